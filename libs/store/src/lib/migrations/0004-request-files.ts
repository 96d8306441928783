import type { MigrationInterface, QueryRunner } from 'typeorm';
import { columnTypes, isPostgres } from './dialect.js';

/**
 * Request files kept in the database (the PostgreSQL engine; SQLite keeps them as files and leaves these empty):
 * `request_files` names one written file (`input.csv`, `output.json`, …) of a request, `complete` once its last
 * chunk is in, so a half-written file is never read; `request_file_chunks` holds its sealed bytes in order
 * (seq 0 the header, then one row per 64 KiB chunk): the same format as a file on disk.
 */
export class RequestFiles1764700000000 implements MigrationInterface {
  name = 'RequestFiles1764700000000';

  async up(q: QueryRunner): Promise<void> {
    const t = columnTypes(q);
    await q.query(`CREATE TABLE request_files (
      id TEXT PRIMARY KEY NOT NULL,
      request_id TEXT NOT NULL,
      name TEXT NOT NULL,
      complete INTEGER NOT NULL DEFAULT 0,
      created_at ${t.epochMs} NOT NULL
    )`);
    // One complete file per name; any number being written (each replaces it when complete).
    await q.query(`CREATE UNIQUE INDEX idx_request_files_complete ON request_files (request_id, name) WHERE complete = 1`);
    await q.query(`CREATE INDEX idx_request_files_request ON request_files (request_id)`);
    await q.query(`CREATE TABLE request_file_chunks (
      file_id TEXT NOT NULL REFERENCES request_files(id) ON DELETE CASCADE,
      seq INTEGER NOT NULL,
      bytes ${t.bytes} NOT NULL,
      PRIMARY KEY (file_id, seq)
    )`);
    // Sealed bytes do not compress: stored out of line without PostgreSQL trying to.
    if (isPostgres(q)) await q.query(`ALTER TABLE request_file_chunks ALTER COLUMN bytes SET STORAGE EXTERNAL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE request_file_chunks`);
    await q.query(`DROP TABLE request_files`);
  }
}
