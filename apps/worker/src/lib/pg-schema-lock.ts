import type { PostgresBackend } from '@agendajs/postgres-backend';

/** The little of a `pg` pool client used here. */
export interface LockClient {
  query(sql: string, values?: unknown[]): Promise<unknown>;
  release(): void;
}

// What a schema creation that lost a race can report: a duplicate row in pg_type/pg_class (23505), a duplicate
// table, index or trigger (42P07, 42710), or a catalog row another session changed meanwhile (XX000).
const RACE_CODES = new Set(['23505', '42P07', '42710', 'XX000']);

/**
 * What the queue table needs beyond Agenda's schema, made under the same lock right after it: `client` is on the
 * pool (the backend's search_path), `table` the bare table name.
 */
export type AfterSchema = (client: LockClient, table: string) => Promise<void>;

/**
 * Makes the backend create Agenda's queue schema (table, indexes, trigger) under a PostgreSQL advisory lock keyed
 * by the table name, so workers starting together on an empty database take turns instead of colliding on the
 * catalogs (one used to exit on an uncaught 23505: Agenda leaves a failed connect unhandled). A race that still
 * gets through (another tool creating the table) is retried a few times. `lockName` is the table as the lock knows
 * it (schema-qualified when it has one); `afterSchema` runs under the lock once Agenda's schema is there.
 * @example const backend = withSchemaLock(new PostgresBackend({ connectionString, tableName }), tableName);
 */
export function withSchemaLock(
  backend: PostgresBackend,
  lockName: string,
  options: { table?: string; afterSchema?: AfterSchema; attempts?: number } = {},
): PostgresBackend {
  const connect = backend.connect.bind(backend);
  const key = `mts:agenda-schema:${lockName}`;
  const attempts = options.attempts ?? 5;
  backend.connect = async () => {
    for (let attempt = 1; ; attempt++) {
      const pool = (backend.repository as unknown as { getPool(): { connect(): Promise<LockClient> } }).getPool();
      const client = await pool.connect();
      try {
        await client.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [key]);
        try {
          await connect();
          await options.afterSchema?.(client, options.table ?? lockName);
          return;
        } finally {
          await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [key]).catch(() => undefined);
        }
      } catch (error) {
        if (!RACE_CODES.has(String((error as { code?: unknown }).code)) || attempt >= attempts) throw error;
      } finally {
        client.release();
      }
    }
  };
  return backend;
}
