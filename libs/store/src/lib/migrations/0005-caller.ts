import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The caller that submitted a request (`key:<name>` or `oidc:<sub>`, set by the API when caller authentication is
 * on; null when it is off), so a caller sees only its own requests. Dialect-neutral SQL (SQLite and PostgreSQL).
 */
export class Caller1764800000000 implements MigrationInterface {
  name = 'Caller1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE requests ADD COLUMN caller TEXT`);
    // A caller's recent requests, newest first (GET authtoken/requests).
    await q.query(`CREATE INDEX idx_requests_caller ON requests (caller, created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX idx_requests_caller`);
    await q.query(`ALTER TABLE requests DROP COLUMN caller`);
  }
}
