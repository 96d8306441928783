// The same pipeline with Agenda on PostgreSQL (MTS_QUEUE_BACKEND=postgres); skipped, with a line in the run's summary
// saying what to start, without a server (a failure under CI, which starts it).
import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import pg from 'pg';
import { createTempDir, requires, testPostgresUrl } from '@mts/testing';
import { startWorker } from '../src/index.js';
import { fakeAuthenticator } from './fake-authenticator.js';
import { openApiStore, people, readOutput, submit, testConfig, waitDone, waitFor } from './helpers.js';

jest.setTimeout(120_000);

const PG_URL = testPostgresUrl();

requires('postgres')('the PostgreSQL job backend', () => {
  test('a request completes with the PostgreSQL job backend', async () => {
    const dir = await createTempDir('pg-queue-');
    const table = `mts_worker_test_${randomBytes(4).toString('hex')}`;
    const config = testConfig(dir.path, { MTS_QUEUE_BACKEND: 'postgres', MTS_QUEUE_POSTGRES_URL: PG_URL, MTS_QUEUE_TABLE: table });
    const api = await openApiStore(config);
    const worker = await startWorker(config, { authenticator: fakeAuthenticator().auth });
    try {
      const id = await submit(api, 'ndjson', people(40), { output: 'csv' });
      const done = await waitDone(api, id);
      expect(done.counts).toEqual({ total: 40, processed: 32, error: 4, invalid: 4 });
      expect((await readOutput(api, done)).split(/\r?\n/)[1]).toBe('4000000000,processed,tok-4000000000,,');
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      // The request's jobs ran in PostgreSQL and were removed once complete.
      await waitFor(async () => (await client.query(`SELECT count(*)::int AS n FROM "${table}"`)).rows[0]!.n === 0, 10_000, 'job removal');
      await client.end();
    } finally {
      await worker.stop();
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      await client.query(`DROP TABLE IF EXISTS "${table}"`);
      await client.end();
      await api.close();
      await dir.remove();
    }
  });

  test('MTS_DATABASE_URL: two workers with their own data dirs share one schema; clean-up is one job for the fleet and runs there', async () => {
    const schema = `mts_fleet_${randomBytes(4).toString('hex')}`;
    const dirs = [await createTempDir('pg-fleet-a-'), await createTempDir('pg-fleet-b-')];
    const settings = {
      MTS_DATABASE_URL: PG_URL,
      MTS_DATABASE_SCHEMA: schema,
      TOKENSEEDER_CLEANUP__ENABLED: 'true',
      TOKENSEEDER_CLEANUP__CLEANUP_INTERVAL_SECONDS: '1',
      TOKENSEEDER_CLEANUP__CLEANUP_EXPIRY_SECONDS: '0',
    };
    const configs = dirs.map((d) => testConfig(d.path, settings));
    expect(configs[0]!.queue).toMatchObject({ backend: 'postgres', schema });
    const api = await openApiStore(configs[0]!);
    const workers = [];
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    try {
      for (const config of configs) workers.push(await startWorker(config, { authenticator: fakeAuthenticator().auth }));
      const id = await submit(api, 'ndjson', people(60), { output: 'csv' });
      const done = await waitDone(api, id);
      expect(done.counts).toMatchObject({ total: 60, processed: 48 });
      // Expired at once (expiry 0): the fleet's one clean-up job removes the finished request from PostgreSQL.
      await waitFor(async () => (await api.getRequest(id)) === null, 20_000, 'clean-up of the finished request');
      const jobs = await client.query(`SELECT count(*)::int AS n FROM "${schema}".agenda_jobs WHERE name = 'cleanup'`);
      expect(jobs.rows[0]!.n).toBe(1);
      // Nothing was written to either worker's data dir: the store, its files and the queue are all in PostgreSQL.
      for (const d of dirs) expect(await readdir(d.path)).toEqual([]);
    } finally {
      for (const w of workers) await w.stop();
      await api.close();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
      for (const d of dirs) await d.remove();
    }
  });
});
