// The same scenario on our SQLite backend and on @agendajs/postgres-backend gives the same results, so the
// service can select either by configuration. The Postgres half needs 127.0.0.1:5432 (CI starts it), or
// MTS_TEST_PG_URL; without it, it is skipped with a line in the run's summary (a failure under CI).
import { randomBytes } from 'node:crypto';
import { PostgresBackend, type PostgresJobRepository } from '@agendajs/postgres-backend';
import { Agenda, type AgendaBackend } from 'agenda';
import { requires, testPostgresUrl } from '@mts/testing';
import { createSqliteBackend } from '../src/index.js';
import { lockTimersDone, sleep, stopAgenda, tempDir, testAgenda, until, waitFor } from './helpers.js';

const PG_URL = testPostgresUrl();
const LOCK = 2000;

const tmp = tempDir();
afterAll(() => tmp.cleanup());

async function scenario(agenda: Agenda) {
  let running = 0;
  let peak = 0;
  const parts: number[] = [];
  let flakyAttempts = 0;
  let started = 0;
  agenda.define('chunk', async (job) => {
    running++;
    started++;
    peak = Math.max(peak, running);
    await until(() => running >= 2 || started === 5, 1500); // let a second chunk overlap, even on a slow machine
    await sleep(10);
    parts.push((job.attrs.data as { part: number }).part);
    running--;
  }, { concurrency: 2 });
  agenda.define('flaky', async () => {
    if (++flakyAttempts === 1) throw new Error('first attempt fails');
  }, { backoff: (ctx) => (ctx.attempt <= 3 ? 30 : null) });
  await agenda.ready;
  for (let part = 1; part <= 5; part++) await agenda.now('chunk', { requestId: 'r1', part });
  const flaky = await agenda.now('flaky');
  for (let i = 0; i < 2; i++) await agenda.create('dedupe', { requestId: 'r1', i }).unique({ 'data.requestId': 'r1' }).schedule(new Date(Date.now() + 3_600_000)).save();
  await agenda.every('1 hour', 'hourly');
  await agenda.every('1 hour', 'hourly');
  await agenda.start();
  await waitFor('chunks and the flaky job', async () => parts.length === 5 && (await agenda.queryJobs({ id: String(flaky.attrs._id) })).jobs[0]?.state === 'completed', 15_000);
  const dedupe = await agenda.queryJobs({ name: 'dedupe' });
  const flakyJob = (await agenda.queryJobs({ id: String(flaky.attrs._id) })).jobs[0];
  const summary = {
    parts: [...parts].sort(),
    peak,
    flakyAttempts,
    flaky: { failCount: flakyJob.failCount, failReason: flakyJob.failReason },
    dedupeRows: dedupe.total,
    dedupeData: dedupe.jobs[0]?.data,
    hourlyRows: (await agenda.queryJobs({ name: 'hourly' })).total,
    cancelled: await agenda.cancel({ name: 'dedupe', data: { requestId: 'r1' } }),
    overview: (await agenda.getJobsOverview()).map((o) => [o.name, o.total, o.completed]).sort(),
  };
  return summary;
}

const expected = {
  parts: [1, 2, 3, 4, 5],
  peak: 2,
  flakyAttempts: 2,
  flaky: { failCount: 0, failReason: 'first attempt fails' },
  dedupeRows: 1,
  dedupeData: { requestId: 'r1', i: 1 },
  hourlyRows: 1,
  cancelled: 1,
  overview: [['chunk', 5, 5], ['flaky', 1, 1], ['hourly', 1, 0]],
};

async function runOn(backend: AgendaBackend) {
  const agenda = testAgenda({ backend, processEvery: 40, defaultLockLifetime: LOCK });
  try {
    return await scenario(agenda);
  } finally {
    await stopAgenda(agenda);
  }
}

it('SQLite backend: the reference scenario', async () => {
  expect(await runOn(createSqliteBackend({ path: tmp.file('parity.db') }))).toEqual(expected);
});

requires('postgres')('PostgreSQL backend', () => {
  it('the same scenario gives the same results', async () => {
    const table = `agenda_parity_${randomBytes(4).toString('hex')}`;
    const backend = new PostgresBackend({ connectionString: PG_URL, tableName: table, logTableName: `${table}_logs` });
    const agenda = testAgenda({ backend, processEvery: 40, defaultLockLifetime: LOCK });
    try {
      expect(await scenario(agenda)).toEqual(expected);
    } finally {
      await agenda.stop(false); // keep the pool open to drop the table
      await (backend.repository as PostgresJobRepository).getPool().query(`DROP TABLE IF EXISTS "${table}"; DROP TABLE IF EXISTS "${table}_logs"; DROP FUNCTION IF EXISTS update_${table}_updated_at()`);
      await backend.disconnect();
      await lockTimersDone(agenda);
    }
  }, 30_000);
});
