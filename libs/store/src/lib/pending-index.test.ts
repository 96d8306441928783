// Migration 0006 on PostgreSQL builds its index CONCURRENTLY: writes to `records` go on while it is built, and an
// index a crashed build left invalid is built again. Run against a real server, in a fresh schema per test.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { requires, testPostgresUrl, within } from '@mts/testing';
import { createKeyring, dataKeyFromBytes } from './data-key.js';
import { PendingIndex1764900000000 } from './migrations/0006-pending-index.js';
import { dataSourceOf, openStore, type Store } from './store.js';

const keyring = createKeyring(dataKeyFromBytes(Buffer.alloc(32, 4)));
// Takes RowExclusiveLock on records (as any INSERT or UPDATE does) without changing a row.
const WRITE = 'UPDATE records SET updated_at = updated_at WHERE false';

requires('postgres')('migration 0006 on PostgreSQL', () => {
  const url = testPostgresUrl();
  let schema: string;
  let admin: pg.Pool;
  const stores: Store[] = [];
  const open = async () => {
    const store = await openStore({ keyring, url, schema, poolSize: 2 });
    stores.push(store);
    return store;
  };
  const indexState = async () =>
    (
      await admin.query(
        `SELECT i.indisvalid AS valid, i.indisunique AS "unique" FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
         WHERE c.relname = 'idx_records_pending' AND c.relnamespace = $1::regnamespace`,
        [schema],
      )
    ).rows as { valid: boolean; unique: boolean }[];
  /** The database as it was before 0006: a store at 0005 holding one request of two pending records. */
  const before0006 = async () => {
    const store = await open();
    const req = await store.createRequest({ inputKind: 'odk', config: { output: 'csv', deliverytype: 'download' } });
    await store.insertRecords(req.id, [0, 1].map((k) => ({ lineNo: k + 2, seq: k, chunk: 0, input: { vid: `v${k}` } })));
    await store.close();
    await admin.query('DROP INDEX idx_records_pending');
    await admin.query(`DELETE FROM migrations WHERE name = 'PendingIndex1764900000000'`);
  };

  const defaults = { from: PendingIndex1764900000000.concurrentlyFrom, lockTimeoutMs: PendingIndex1764900000000.lockTimeoutMs };
  afterAll(() => {
    PendingIndex1764900000000.concurrentlyFrom = defaults.from;
    PendingIndex1764900000000.lockTimeoutMs = defaults.lockTimeoutMs;
  });

  beforeEach(() => {
    // Two records are enough to build concurrently here (the default waits for 10,000).
    PendingIndex1764900000000.concurrentlyFrom = 2;
    schema = `mts_pending_index_${randomBytes(5).toString('hex')}`;
    admin = new pg.Pool({ connectionString: url, max: 3, options: `-c search_path=${schema}` });
  });
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close().catch(() => undefined)));
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  });

  test('writes to records go on while the index is built', async () => {
    await before0006();
    // A writer in the middle of its transaction: the build has to wait for it, as any index build does.
    const writer = await admin.connect();
    let reopened: Promise<Store> | undefined;
    try {
      await writer.query('BEGIN');
      await writer.query(WRITE);
      reopened = open();
      // The build of this schema's index has begun and is waiting for that writer…
      for (let i = 0; ; i++) {
        const { rows } = await admin.query(
          `SELECT 1 FROM pg_stat_progress_create_index p JOIN pg_stat_activity a ON a.pid = p.pid
           WHERE p.relid = $1::regclass AND a.wait_event_type = 'Lock'`,
          [`${schema}.records`],
        );
        if (rows.length > 0) break;
        if (i > 200) throw new Error('the index build never started');
        await new Promise((r) => setTimeout(r, 50));
      }
      // …and a new writer is not held behind it (behind a plain CREATE INDEX it would wait, and fail on the timeout).
      const other = await admin.connect();
      try {
        await other.query(`SET lock_timeout = '3s'`);
        await expect(other.query(WRITE)).resolves.toBeDefined();
      } finally {
        other.release();
      }
      await writer.query('COMMIT');
    } finally {
      writer.release();
    }
    const store = await reopened!;
    expect(await indexState()).toEqual([{ valid: true, unique: false }]);
    expect(await store.hasPending((await admin.query('SELECT id FROM requests')).rows[0].id)).toBe(true);
  });

  test('a table under the threshold is indexed plainly: no wait for the rest of the database', async () => {
    PendingIndex1764900000000.concurrentlyFrom = 3;
    await before0006();
    // A transaction elsewhere in the database, older than the migration: CONCURRENTLY would wait for it to end.
    const idle = await admin.connect();
    let opening: Promise<Store> | undefined;
    try {
      await idle.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
      await idle.query('SELECT 1 FROM requests');
      opening = open();
      await within(opening, 5000, 'the migration, behind the other transaction');
      expect(await indexState()).toEqual([{ valid: true, unique: false }]);
    } finally {
      await idle.query('ROLLBACK');
      idle.release();
      await opening?.catch(() => undefined); // so that afterEach closes it
    }
  });

  test('two processes opening one new schema at once both get through (the later one does not hold up the build)', async () => {
    // Built concurrently even on an empty table. A process waiting for the migration lock inside a statement would
    // hold a snapshot, which the concurrent build waits for, while it waits for the lock its builder holds.
    PendingIndex1764900000000.concurrentlyFrom = 0;
    const both = Promise.all([open(), open()]);
    await within(both, 8000, 'the two opens');
    expect(await indexState()).toEqual([{ valid: true, unique: false }]);
  });

  test('a build held up past lockTimeoutMs fails the open (not a wait for ever); the next open builds the index', async () => {
    // What a process of an older release waiting in pg_advisory_lock would do: hold a snapshot the build waits for.
    PendingIndex1764900000000.lockTimeoutMs = 200;
    await before0006();
    const writer = await admin.connect();
    try {
      await writer.query('BEGIN');
      await writer.query(WRITE);
      await expect(within(open(), 8000, 'the open')).rejects.toMatchObject({ code: 'STORE_MIGRATION_FAILED' });
      await writer.query('COMMIT');
    } finally {
      writer.release();
    }
    await open();
    expect(await indexState()).toEqual([{ valid: true, unique: false }]);
    // lock_timeout was reset before the connection went back to the pool: asked on both of the pool's connections at once.
    const ds = dataSourceOf(stores[stores.length - 1]!);
    const ask = () => ds.query(`SELECT current_setting('lock_timeout') AS t, pg_sleep(0.2)::text AS s`);
    expect((await Promise.all([ask(), ask()])).map((rows) => rows[0].t)).toEqual(['0', '0']);
  });

  test('an index left invalid by an interrupted build is built again', async () => {
    await before0006();
    // A concurrent build that fails (a unique index over two records of one request) leaves an invalid index of that
    // name behind, as a build interrupted by a crash does.
    await expect(admin.query('CREATE UNIQUE INDEX CONCURRENTLY idx_records_pending ON records (request_id)')).rejects.toThrow();
    expect(await indexState()).toEqual([{ valid: false, unique: true }]);
    await open();
    expect(await indexState()).toEqual([{ valid: true, unique: false }]);
  });
});
