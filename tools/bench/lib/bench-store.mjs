// The store of a store benchmark (bench:duplicates, bench:answers): `<N> [--engine sqlite|postgres]` from the command
// line, a store in a temp dir (SQLite) or in a schema of its own (PostgreSQL: MTS_TEST_PG_URL, default the test
// server), and `close()`, which removes either.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKeyring, dataKeyFromBytes, openStore } from '@mts/store';

export async function openBenchStore(argv, { prefix, defaultN = 100000 }) {
  const args = [...argv];
  const engineAt = args.indexOf('--engine');
  const engine = engineAt >= 0 ? args.splice(engineAt, 2)[1] : 'sqlite';
  const n = Number(args[0] ?? defaultN);
  const keyring = createKeyring(dataKeyFromBytes(Buffer.alloc(32, 1)));
  const pgUrl = process.env.MTS_TEST_PG_URL || 'postgresql://postgres@127.0.0.1:5432/test';
  const schema = `mts_bench_${randomBytes(4).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const store = engine === 'postgres' ? await openStore({ url: pgUrl, schema, keyring }) : await openStore({ path: join(dir, 's.sqlite'), keyring });
  return {
    engine,
    n,
    store,
    async close() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
      if (engine !== 'postgres') return;
      const { default: pg } = await import('pg');
      const client = new pg.Client({ connectionString: pgUrl });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    },
  };
}
