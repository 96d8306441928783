import { stopAgenda, tempDir, testAgenda, waitFor } from '../../test/helpers.js';
import { createSqliteBackend } from './sqlite-backend.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

it('stores, filters, pages and clears job-event entries', async () => {
  const backend = createSqliteBackend({ path: tmp.file('logs.db') });
  await backend.connect();
  const log = backend.logger;
  const t0 = Date.UTC(2026, 0, 1);
  await log.log({ timestamp: new Date(t0), level: 'info', event: 'start', jobId: 'j1', jobName: 'a', message: 'job started' });
  await log.log({ timestamp: new Date(t0 + 1000), level: 'error', event: 'fail', jobId: 'j1', jobName: 'a', message: 'job failed', error: 'boom', failCount: 1, meta: { attempt: 1 } });
  await log.log({ timestamp: new Date(t0 + 2000), level: 'info', event: 'start', jobId: 'j2', jobName: 'b', message: 'job started' });

  expect((await log.getLogs()).entries.map((e) => e.jobId)).toEqual(['j2', 'j1', 'j1']);
  const failed = await log.getLogs({ level: ['error', 'warn'] });
  expect(failed.total).toBe(1);
  expect(failed.entries[0]).toMatchObject({ event: 'fail', error: 'boom', failCount: 1, meta: { attempt: 1 }, timestamp: new Date(t0 + 1000) });
  expect((await log.getLogs({ event: 'start', sort: 'asc', limit: 1, offset: 1 })).entries.map((e) => e.jobName)).toEqual(['b']);
  expect((await log.getLogs({ jobName: 'a', from: new Date(t0 + 500), to: new Date(t0 + 1500) })).total).toBe(1);
  expect(await log.clearLogs({ jobId: 'j1' })).toBe(2);
  expect(await log.clearLogs()).toBe(1);
  await backend.disconnect();
});

it('receives Agenda lifecycle events when Agenda runs with logging: true', async () => {
  const lock = 400;
  const agenda = testAgenda({ backend: createSqliteBackend({ path: tmp.file('agenda-logs.db') }), logging: true, processEvery: 30, defaultLockLifetime: lock });
  let done = false;
  agenda.define('logged', async () => void (done = true));
  await agenda.start();
  const job = await agenda.now('logged');
  await waitFor('the job', () => done);
  await waitFor('its complete event', async () => (await agenda.getLogs({ jobId: String(job.attrs._id), event: 'complete' })).total === 1);
  const events = (await agenda.getLogs({ jobId: String(job.attrs._id), sort: 'asc' })).entries.map((e) => e.event);
  expect(events).toEqual(expect.arrayContaining(['start', 'success', 'complete']));
  await stopAgenda(agenda);
});
