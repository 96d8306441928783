import pg from 'pg';
import { DataSource } from 'typeorm';
import { createEntities } from './entities.js';
import { StoreError } from './errors.js';
import { MIGRATIONS, runMigrations } from './migrate.js';
import { clientWithConnectTimeout, DEFAULT_CONNECT_TIMEOUT_MS } from './pg-client.js';
import { createPgDb, type PgPool } from './pg-db.js';
import { createPgStore } from './pg-store.js';
import { checkSealedKeyIds, SEALED_KEY_IDS_SQL } from './key-check.js';
import { newRequestId } from './request-id.js';
import type { PostgresStoreOptions, Store } from './store.js';

const SCHEMA = /^[a-z_][a-z0-9_]{0,62}$/;
const INT8 = 20;

type TypeParser = (oid: number, format?: string) => (value: string) => unknown;
// Typed here rather than through @types/pg, which the package does not need to build.
const defaultParser = (pg as unknown as { types: { getTypeParser: TypeParser } }).types.getTypeParser;

// BIGINT (epoch ms, COUNT(*)) as numbers, as SQLite gives them: every such value here is far below 2^53.
const types = {
  getTypeParser: (oid: number, format?: string) => (oid === INT8 && format !== 'binary' ? (value: string) => Number(value) : defaultParser(oid, format)),
};

/** The schema, created when missing (checked first: a role that may not create schemas can still use an existing one). */
async function ensureSchema(pool: PgPool, schema: string): Promise<void> {
  const { rowCount } = await pool.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
  if (rowCount) return;
  await pool.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`).catch((error: { code?: string }) => {
    // Another process created it between the check and here.
    if (error.code !== '23505' && error.code !== '42P06') throw error;
  });
}

/**
 * The cause as reported (its code only, never its message): pg's SQLSTATE (`3D000`, `28P01`) or Node's errno
 * (`ECONNREFUSED`, `ENOTFOUND`) are there already; pg's connect timeout has none, so it is given `TIMEOUT`.
 */
function withCode(error: unknown): unknown {
  if (error instanceof Error && (error as { code?: unknown }).code === undefined && /timeout/i.test(error.message)) {
    return Object.assign(new Error('the connection timed out', { cause: error }), { code: 'TIMEOUT' });
  }
  return error;
}

/** Opens the PostgreSQL engine: the schema, one TypeORM DataSource (and so one pg pool), the migrations. */
export async function openPostgres(options: PostgresStoreOptions): Promise<{ store: Store; dataSource: DataSource }> {
  const { url, keyring, schema = 'public', poolSize = 10, connectTimeoutMs = DEFAULT_CONNECT_TIMEOUT_MS, podId = '00', batchSize = 500, now = () => new Date() } = options;
  if (!/^postgres(ql)?:\/\//.test(url)) throw new StoreError('STORE_INVALID_OPTIONS', 'url must start with postgres:// or postgresql://');
  if (!URL.canParse(url)) throw new StoreError('STORE_INVALID_OPTIONS', 'url is not a valid URL');
  if (!SCHEMA.test(schema)) throw new StoreError('STORE_INVALID_OPTIONS', 'schema must be lower-case letters, digits and _ (at most 63)');
  if (!Number.isInteger(poolSize) || poolSize < 2) throw new StoreError('STORE_INVALID_OPTIONS', 'poolSize must be an integer of at least 2');
  if (!Number.isInteger(connectTimeoutMs) || connectTimeoutMs < 1) throw new StoreError('STORE_INVALID_OPTIONS', 'connectTimeoutMs must be a positive integer');
  newRequestId(podId); // validates podId up front

  const dataSource = new DataSource({
    type: 'postgres',
    url,
    schema,
    poolSize,
    applicationName: 'mts-store',
    entities: createEntities('postgres'),
    migrations: MIGRATIONS,
    migrationsTransactionMode: 'each',
    synchronize: false,
    // Every connection works in the store's schema, so the SQL names tables without it.
    // Connection setup times out on each client, not through the pool's option (which would also fail waits for a
    // free connection under load).
    extra: { options: `-c search_path=${schema}`, types, Client: clientWithConnectTimeout(connectTimeoutMs) },
  });
  // Nothing TypeORM does at initialize touches the schema: it is made (when missing) on the pool just after.
  try {
    await dataSource.initialize();
    await ensureSchema((dataSource.driver as unknown as { master: PgPool }).master, schema);
  } catch (error) {
    if (dataSource.isInitialized) await dataSource.destroy().catch(() => undefined);
    if (error instanceof StoreError) throw error;
    throw new StoreError('STORE_UNAVAILABLE', 'the PostgreSQL database could not be reached or opened', { retryable: true, cause: withCode(error) });
  }
  const pool = (dataSource.driver as unknown as { master: PgPool }).master;
  try {
    // Processes starting together migrate one at a time: the later ones find the migrations recorded. The lock is
    // tried, not waited for: a statement waiting on it holds a snapshot, and CREATE INDEX CONCURRENTLY (migration
    // 0006) waits for every older snapshot in the database, so the holder's migration would wait for its waiters.
    const lock = await pool.connect();
    try {
      while (!(await lock.query('SELECT pg_try_advisory_lock(hashtext($1)) AS got', [`mts-store-migrations/${schema}`])).rows[0].got) {
        await new Promise((r) => setTimeout(r, 100));
      }
      await runMigrations(dataSource);
    } finally {
      await lock.query('SELECT pg_advisory_unlock(hashtext($1))', [`mts-store-migrations/${schema}`]).catch(() => undefined);
      lock.release();
    }
  } catch (error) {
    await dataSource.destroy().catch(() => undefined);
    throw error instanceof StoreError ? error : new StoreError('STORE_MIGRATION_FAILED', 'database migrations failed', { cause: error });
  }
  if (options.checkKeys !== false) {
    try {
      checkSealedKeyIds((await pool.query(SEALED_KEY_IDS_SQL.postgres)).rows.map((r) => String(r.id)), keyring);
    } catch (error) {
      await dataSource.destroy().catch(() => undefined);
      throw error instanceof StoreError ? error : new StoreError('STORE_UNAVAILABLE', 'the PostgreSQL database could not be queried', { retryable: true, cause: error });
    }
  }
  const store = createPgStore({ dataSource, db: createPgDb(pool), keyring, podId, batchSize, now });
  return { store, dataSource };
}
