import type { MigrationInterface, QueryRunner } from 'typeorm';
import { columnTypes } from './dialect.js';

/** Requests and records; PII only in `*_ct` blobs, so no index ever holds it. */
export class Initial1764300000000 implements MigrationInterface {
  name = 'Initial1764300000000';

  async up(q: QueryRunner): Promise<void> {
    const t = columnTypes(q);
    await q.query(`CREATE TABLE requests (
      id TEXT PRIMARY KEY NOT NULL,
      status TEXT NOT NULL,
      phase TEXT NOT NULL,
      input_kind TEXT NOT NULL,
      input_path TEXT,
      output TEXT NOT NULL,
      deliverytype TEXT NOT NULL,
      config_ct ${t.bytes},
      output_path TEXT,
      total INTEGER NOT NULL DEFAULT 0,
      processed_count INTEGER NOT NULL DEFAULT 0,
      error_count INTEGER NOT NULL DEFAULT 0,
      invalid_count INTEGER NOT NULL DEFAULT 0,
      chunk_count INTEGER NOT NULL DEFAULT 0,
      ingested_line_no INTEGER NOT NULL DEFAULT -1,
      delivery_state TEXT NOT NULL DEFAULT 'none',
      delivery_attempts INTEGER NOT NULL DEFAULT 0,
      attempts INTEGER NOT NULL DEFAULT 0,
      last_error TEXT,
      pii_erased_at ${t.epochMs},
      created_at ${t.epochMs} NOT NULL,
      updated_at ${t.epochMs} NOT NULL,
      finished_at ${t.epochMs}
    )`);
    await q.query(`CREATE INDEX idx_requests_phase ON requests (phase, created_at)`);
    await q.query(`CREATE INDEX idx_requests_finished ON requests (finished_at)`);
    await q.query(`CREATE TABLE records (
      request_id TEXT NOT NULL REFERENCES requests(id) ON DELETE CASCADE,
      line_no INTEGER NOT NULL,
      seq INTEGER NOT NULL,
      chunk INTEGER NOT NULL,
      status TEXT NOT NULL,
      error_code TEXT,
      received_ct ${t.bytes},
      input_ct ${t.bytes},
      output_ct ${t.bytes},
      updated_at ${t.epochMs} NOT NULL,
      PRIMARY KEY (request_id, line_no)
    )`);
    await q.query(`CREATE INDEX idx_records_seq ON records (request_id, seq)`);
    await q.query(`CREATE INDEX idx_records_chunk ON records (request_id, chunk, status)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE records`);
    await q.query(`DROP TABLE requests`);
  }
}
