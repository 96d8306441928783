// enqueueOnce on the PostgreSQL job backend: two processes enqueuing the same job at the same moment leave one row
// (Agenda's insert-only save there is a SELECT then an INSERT; the queue's unique index closes the gap). Two Agenda
// instances with their own pools stand for two worker processes. Skipped, visibly, without a server.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Agenda } from 'agenda';
import { createTempDir, requires, testPostgresUrl, type TempDir } from '@mts/testing';
import { createQueue, enqueueOnce, JOB } from '../src/lib/queue.js';
import { testConfig } from './helpers.js';

jest.setTimeout(120_000);

const PG_URL = testPostgresUrl();

requires('postgres')('enqueueOnce on PostgreSQL', () => {
  let dir: TempDir;
  let client: InstanceType<typeof pg.Client>;
  let table: string;
  const queues: Agenda[] = [];
  const config = () => testConfig(dir.path, { MTS_QUEUE_BACKEND: 'postgres', MTS_QUEUE_POSTGRES_URL: PG_URL, MTS_QUEUE_TABLE: table });
  const rows = async (where = 'TRUE') =>
    (await client.query(`SELECT count(*)::int AS n FROM "${table}" WHERE ${where}`)).rows[0]!['n'];

  beforeEach(async () => {
    dir = await createTempDir('pg-once-');
    table = `mts_once_${randomBytes(4).toString('hex')}`;
    client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
  });
  afterEach(async () => {
    for (const q of queues.splice(0)) await q.stop().catch(() => undefined);
    await client.query(`DROP TABLE IF EXISTS "${table}" CASCADE`);
    await client.query(`DROP FUNCTION IF EXISTS update_${table}_updated_at() CASCADE`);
    await client.end();
    await dir.remove();
  });

  async function started(): Promise<Agenda> {
    // No job is defined, so nothing is claimed or run: only the saves are exercised.
    const queue = createQueue(config());
    queues.push(queue);
    await queue.start();
    return queue;
  }

  test('two processes enqueuing the same 200 chunk jobs and one deliver job at once leave one row each', async () => {
    const [a, b] = [await started(), await started()];
    const same = (q: Agenda, chunk: number) => enqueueOnce(q, JOB.chunk, { requestId: 'r1', chunk }, { requestId: 'r1', chunk });
    const deliver = (q: Agenda) => enqueueOnce(q, JOB.deliver, { requestId: 'r1' }, { requestId: 'r1' });
    await Promise.all([...Array.from({ length: 200 }, (_, c) => [same(a, c), same(b, c)]).flat(), deliver(a), deliver(b), deliver(a)]);
    expect(await rows(`name = '${JOB.chunk}'`)).toBe(200);
    expect(await rows(`name = '${JOB.deliver}'`)).toBe(1);
    // Other requests' jobs, and the same chunk number of another request, are not held back.
    await Promise.all([same(a, 0), enqueueOnce(b, JOB.chunk, { requestId: 'r2', chunk: 0 }, { requestId: 'r2', chunk: 0 }), enqueueOnce(a, JOB.deliver, { requestId: 'r2' }, { requestId: 'r2' })]);
    expect(await rows()).toBe(203);
  });

  test('a table that an older version left with duplicate jobs gets the index: the unlocked copies go, the running one stays', async () => {
    const first = await started();
    await first.stop();
    queues.splice(0);
    await client.query(`DROP INDEX "${table}_mts_once_idx"`);
    const insert = (name: string, data: object, locked: boolean) =>
      client.query(`INSERT INTO "${table}" (name, data, next_run_at, locked_at) VALUES ($1, $2, now(), $3)`, [name, JSON.stringify(data), locked ? new Date() : null]);
    await insert(JOB.chunk, { requestId: 'r1', chunk: 3 }, false);
    await insert(JOB.chunk, { requestId: 'r1', chunk: 3 }, true);
    await insert(JOB.deliver, { requestId: 'r1' }, false);
    await insert(JOB.deliver, { requestId: 'r1' }, false);
    await insert(JOB.deliver, { requestId: 'r1' }, false);
    await insert(JOB.chunk, { requestId: 'r1', chunk: 4 }, false);

    const queue = await started();
    expect(await rows(`name = '${JOB.chunk}' AND data->>'chunk' = '3'`)).toBe(1);
    expect(await rows(`name = '${JOB.chunk}' AND data->>'chunk' = '3' AND locked_at IS NOT NULL`)).toBe(1);
    expect(await rows(`name = '${JOB.deliver}'`)).toBe(1);
    expect(await rows()).toBe(3);
    await enqueueOnce(queue, JOB.deliver, { requestId: 'r1' }, { requestId: 'r1' });
    expect(await rows()).toBe(3);
    const index = await client.query(`SELECT 1 FROM pg_indexes WHERE tablename = $1 AND indexname = $2`, [table, `${table}_mts_once_idx`]);
    expect(index.rowCount).toBe(1);
  });
});
