import { StoreError } from './errors.js';

type QueryResultRow = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The little of a `pg` client the store uses (typed here: the package builds without @types/pg). */
export interface PgClient {
  query<T extends QueryResultRow = QueryResultRow>(sql: string, params?: unknown[]): Promise<{ rows: T[]; rowCount: number | null }>;
}

/** The little of a `pg` pool the store uses. */
export interface PgPool extends PgClient {
  connect(): Promise<PgClient & { release(error?: Error): void }>;
}

/** Runs SQL on one PostgreSQL connection (the pool, or a transaction's client). */
export interface PgQuery {
  rows<T extends QueryResultRow = QueryResultRow>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** Rows changed. */
  run(sql: string, params?: readonly unknown[]): Promise<number>;
}

/** {@link PgQuery} on the pool (each statement its own transaction), plus explicit transactions. */
export interface PgDb extends PgQuery {
  /** `fn` in one transaction on one client (READ COMMITTED); retried whole on a deadlock or serialization failure. */
  tx<R>(fn: (q: PgQuery) => Promise<R>): Promise<R>;
}

// Deadlock and serialization failures: PostgreSQL rolled the work back, so running it again is safe.
const RETRIED = new Set(['40P01', '40001']);
const ATTEMPTS = 5;

/** `?` placeholders (SQL shared with the SQLite engine) numbered as PostgreSQL's `$1`, `$2`, …. */
export const numbered = (sql: string): string => {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
};

const on = (client: PgClient): PgQuery => ({
  async rows<T extends QueryResultRow>(sql: string, params: readonly unknown[] = []) {
    return (await client.query<T>(sql, params as unknown[])).rows;
  },
  async run(sql: string, params: readonly unknown[] = []) {
    return (await client.query(sql, params as unknown[])).rowCount ?? 0;
  },
});

async function retrying<R>(fn: () => Promise<R>): Promise<R> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (typeof code !== 'string' || !RETRIED.has(code)) throw error;
      if (attempt >= ATTEMPTS) {
        throw new StoreError('STORE_BUSY', 'the database kept aborting the work for concurrent changes', { retryable: true, cause: error });
      }
      await new Promise((r) => setTimeout(r, 10 * attempt + Math.random() * 20));
    }
  }
}

/** The store's access to PostgreSQL through TypeORM's pool (one pool per store). */
export function createPgDb(pool: PgPool): PgDb {
  const direct = on(pool);
  return {
    rows: (sql, params) => retrying(() => direct.rows(sql, params)),
    run: (sql, params) => retrying(() => direct.run(sql, params)),
    tx: (fn) =>
      retrying(async () => {
        const client = await pool.connect();
        let broken: Error | undefined;
        try {
          await client.query('BEGIN');
          const result = await fn(on(client));
          await client.query('COMMIT');
          return result;
        } catch (error) {
          await client.query('ROLLBACK').catch((e: Error) => (broken = e));
          throw error;
        } finally {
          // Every checked-out client goes back, whatever happened; one that could not roll back is closed.
          client.release(broken);
        }
      }),
  };
}
