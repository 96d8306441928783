// Workers starting together on an empty PostgreSQL database: each creates Agenda's queue schema (table, indexes,
// trigger function). Racing, one used to die of an uncaught 23505 on pg_type/pg_class (issue 11 item 6). Skipped,
// visibly, without a server.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createTempDir } from '@mts/testing';
import { createQueueBackend } from '../src/lib/queue.js';
import { testConfig } from './helpers.js';

jest.setTimeout(120_000);

const PG_URL = process.env.MTS_TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';

function reachable(): boolean {
  try {
    const probe = `require('net').connect(${JSON.stringify(new URL(PG_URL).port || '5432')}, ${JSON.stringify(new URL(PG_URL).hostname)}).on('connect', () => process.exit(0)).on('error', () => process.exit(1))`;
    execFileSync(process.execPath, ['-e', probe], { timeout: 3000 });
    return true;
  } catch {
    return false;
  }
}

const maybe = reachable() ? test : test.skip;

maybe('six queues starting at once on a fresh table all connect, three rounds running', async () => {
  const dir = await createTempDir('pg-race-');
  const tables: string[] = [];
  try {
    for (let round = 0; round < 3; round++) {
      const table = `mts_race_${randomBytes(4).toString('hex')}`;
      tables.push(table);
      const config = testConfig(dir.path, { MTS_QUEUE_BACKEND: 'postgres', MTS_QUEUE_POSTGRES_URL: PG_URL, MTS_QUEUE_TABLE: table });
      // What each worker's Agenda does first, at once (Agenda itself leaves a failed connect unhandled).
      const backends = Array.from({ length: 6 }, () => createQueueBackend(config));
      try {
        const outcomes = await Promise.allSettled(backends.map((b) => b.connect()));
        expect(outcomes.map((o) => (o.status === 'rejected' ? `${(o.reason as { code?: string }).code}` : 'ok'))).toEqual(Array(6).fill('ok'));
      } finally {
        await Promise.all(backends.map((b) => b.disconnect().catch(() => undefined)));
      }
    }
  } finally {
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    for (const table of tables) {
      await client.query(`DROP TABLE IF EXISTS "${table}" CASCADE`);
      await client.query(`DROP FUNCTION IF EXISTS update_${table}_updated_at() CASCADE`);
    }
    await client.end();
    await dir.remove();
  }
});
