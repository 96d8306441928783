// Everything the worker logs during a run: JSON lines, job lines scoped by requestId and jobId, and no PII.
import { PassThrough } from 'node:stream';
import { createTempDir } from '@mts/testing';
import { createLogger, startWorker } from '../src/index.js';
import { fakeAuthenticator } from './fake-authenticator.js';
import { openApiStore, people, submit, testConfig, waitDone } from './helpers.js';

jest.setTimeout(60_000);

test('logs are JSON with { requestId, jobId } and never carry names, ids or tokens', async () => {
  const dir = await createTempDir('logging-');
  const sink = new PassThrough();
  const lines: string[] = [];
  sink.on('data', (c: Buffer) => lines.push(...c.toString('utf8').split('\n').filter(Boolean)));
  const config = testConfig(dir.path);
  const api = await openApiStore(config);
  const fake = fakeAuthenticator();
  const worker = await startWorker(config, { authenticator: fake.auth, logger: createLogger({ level: 'debug', stream: sink }) });
  try {
    const input = people(30);
    const id = await submit(api, 'ndjson', input, { output: 'csv' });
    await waitDone(api, id);
    fake.setDown(true);
    const stuck = await submit(api, 'ndjson', people(5, 50));
    await new Promise((r) => setTimeout(r, 800));
    await worker.stop();
    const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const written = entries.find((e) => e.message === 'output written');
    expect(written).toMatchObject({ requestId: id, job: 'deliver', level: 'info' });
    expect(typeof written!.jobId).toBe('string');
    expect(entries.some((e) => e.message === 'job will retry' && e.requestId === stuck && e.code === 'AUT_BAS_001')).toBe(true);
    const all = lines.join('\n');
    for (const p of [...input, ...people(5, 50)]) {
      expect(all).not.toContain(String(p.name));
      expect(all).not.toContain(String(p.vid));
      expect(all).not.toContain(`tok-${String(p.vid)}`);
    }
  } finally {
    await worker.stop();
    await api.close();
    await dir.remove();
  }
});
