import type { MigrationInterface, QueryRunner } from 'typeorm';
import { columnTypes } from './dialect.js';

/**
 * Per-record callback delivery: `delivered_at` (epoch ms of the 2xx) and `delivery_error` (a CALLBACK_* code of the
 * last failed delivery, never a body or a message). Existing rows read as not delivered.
 */
export class RecordDelivery1764400000000 implements MigrationInterface {
  name = 'RecordDelivery1764400000000';

  // No index: the undelivered records are read in `seq` order through idx_records_seq, and an index on
  // delivered_at would cost every inserted record a write, download requests included.
  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE records ADD COLUMN delivered_at ${columnTypes(q).epochMs}`);
    await q.query(`ALTER TABLE records ADD COLUMN delivery_error TEXT`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE records DROP COLUMN delivery_error`);
    await q.query(`ALTER TABLE records DROP COLUMN delivered_at`);
  }
}
