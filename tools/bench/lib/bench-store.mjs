// The store of a store benchmark (bench:duplicates, bench:answers, bench:files): a store in a temp dir (SQLite) or in
// a schema of its own (PostgreSQL: MTS_TEST_PG_URL, default the test server), and the removal of either. A place can
// be opened by more than one process in turn (bench:files writes in one and reads in another).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKeyring, dataKeyFromBytes, openStore } from '@mts/store';

const pgUrl = process.env.MTS_TEST_PG_URL || 'postgresql://postgres@127.0.0.1:5432/test';
const keyring = createKeyring(dataKeyFromBytes(Buffer.alloc(32, 1)));

/** Where a bench store lives: plain data, so it can be handed to a child process. */
export function benchStorePlace(engine, prefix) {
  return { engine, dir: mkdtempSync(join(tmpdir(), prefix)), schema: `mts_bench_${randomBytes(4).toString('hex')}` };
}

/** Opens the store at `place` (the same key every time, so another process reads what one wrote). */
export function openStoreAt(place) {
  return place.engine === 'postgres' ? openStore({ url: pgUrl, schema: place.schema, keyring }) : openStore({ path: join(place.dir, 's.sqlite'), keyring });
}

/** Removes the temp dir and, on PostgreSQL, drops the schema. */
export async function removeStorePlace(place) {
  rmSync(place.dir, { recursive: true, force: true });
  if (place.engine !== 'postgres') return;
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${place.schema}" CASCADE`);
  await client.end();
}

/** `<N> [--engine sqlite|postgres]` from the command line, and a store of its own with `close()`, which removes it. */
export async function openBenchStore(argv, { prefix, defaultN = 100000 }) {
  const args = [...argv];
  const engineAt = args.indexOf('--engine');
  const engine = engineAt >= 0 ? args.splice(engineAt, 2)[1] : 'sqlite';
  const n = Number(args[0] ?? defaultN);
  const place = benchStorePlace(engine, prefix);
  const store = await openStoreAt(place);
  return {
    engine,
    n,
    store,
    async close() {
      await store.close();
      await removeStorePlace(place);
    },
  };
}
