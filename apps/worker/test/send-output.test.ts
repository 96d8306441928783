// Sending an output is a job of its own (send-output): requests whose receiver is slow hold up only their own
// delivery, never another request's output. Real worker (one process), a callback receiver that answers only when
// the test lets it.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTempDir, type TempDir } from '@mts/testing';
import type { Store } from '@mts/store';
import { startWorker, type RunningWorker } from '../src/index.js';
import { fakeAuthenticator } from './fake-authenticator.js';
import { openApiStore, people, readOutput, submit, testConfig, waitDone, waitFor } from './helpers.js';

jest.setTimeout(120_000);

let dir: TempDir;
let api: Store;
let worker: RunningWorker;
let server: Server;
let base: string;
let held: (() => void)[] = [];
let holding = true;
let arrived = 0;

beforeAll(async () => {
  dir = await createTempDir('send-output-');
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      arrived++;
      const answer = () => void res.end('{}');
      if (holding) held.push(answer);
      else answer();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const config = testConfig(dir.path, { MTS_WORKER_PROCESSES: '1' });
  api = await openApiStore(config);
  worker = await startWorker(config, { authenticator: fakeAuthenticator().auth });
});
afterAll(async () => {
  holding = false;
  for (const answer of held.splice(0)) answer();
  await worker.stop();
  await api.close();
  await new Promise((r) => server.close(r));
  await dir.remove();
});

test('three requests waiting on their receiver do not hold up a download request: it is done while they still wait', async () => {
  const callback = { output: 'json' as const, deliverytype: 'callback' as const, callbackProperties: { url: `${base}/cb`, callInBulk: false } };
  const slow = [];
  for (let i = 0; i < 3; i++) slow.push(await submit(api, 'ndjson', people(4, 10 * i), callback));
  // Each of them is now sending, its first record's call held by the receiver.
  await waitFor(async () => arrived >= 3, 20_000, 'the three callbacks to arrive');

  const download = await submit(api, 'ndjson', people(5, 100), { output: 'csv', deliverytype: 'download' });
  const done = await waitDone(api, download);
  expect(done).toMatchObject({ status: 'processed', hasOutput: true });
  expect((await readOutput(api, done)).split('\r\n')[1]).toBe('4000000100,processed,tok-4000000100,,');
  for (const id of slow) expect(await api.getRequest(id)).toMatchObject({ phase: 'delivering', deliveryState: 'pending', hasOutput: true });

  holding = false;
  for (const answer of held.splice(0)) answer();
  for (const id of slow) expect(await waitDone(api, id)).toMatchObject({ deliveryState: 'delivered' });
});
