import type { QueryRunner } from 'typeorm';

/** The column types that differ between the engines; everything else in the migrations is the same SQL on both. */
export interface ColumnTypes {
  /** Opaque bytes (sealed values, digests, file chunks): `BLOB` / `BYTEA`. */
  bytes: string;
  /** Epoch milliseconds: `INTEGER` (SQLite's is 64-bit) / `BIGINT` (PostgreSQL's INTEGER is 32-bit). */
  epochMs: string;
}

const SQLITE: ColumnTypes = { bytes: 'BLOB', epochMs: 'INTEGER' };
const POSTGRES: ColumnTypes = { bytes: 'BYTEA', epochMs: 'BIGINT' };

/** Whether the migration runs on PostgreSQL (else SQLite), from the query runner's connection. */
export const isPostgres = (q: QueryRunner): boolean => q.connection.driver.options.type === 'postgres';

/** The column types for the engine the migration runs on (SQLite's are what the migrations always wrote). */
export const columnTypes = (q: QueryRunner): ColumnTypes => (isPostgres(q) ? POSTGRES : SQLITE);
