// A bulk publish of a large output to a hub that reads it slowly, but steadily, must not time out: the timeout
// bounds each wait for the hub (to connect, to take the next piece, to answer), not the whole upload. A hub that
// stops reading still times out.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { publish } from './client.js';
import { WebsubError } from './errors.js';

const MB = 1024 * 1024;
let server: Server;
let hubUrl: string;
let received = 0;
let mode: 'slow' | 'stall' = 'slow';

beforeAll(async () => {
  server = createServer((req, res) => {
    received = 0;
    req.on('data', (chunk: Buffer) => {
      received += chunk.byteLength;
      req.pause();
      // slow: 4 ms per chunk read (about 10 MB/s here), far under the timeout each time; stall: stop reading after the first chunk.
      if (mode === 'slow') setTimeout(() => req.resume(), 4);
    });
    req.on('end', () => res.writeHead(202).end());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  hubUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hub`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

async function* output(bytes: number): AsyncGenerator<Uint8Array> {
  const block = new Uint8Array(256 * 1024).fill(0x61);
  for (let sent = 0; sent < bytes; sent += block.byteLength) yield block;
}

test('a slow but steady hub takes an upload that lasts longer than the timeout', async () => {
  mode = 'slow';
  const started = Date.now();
  const reply = await publish(hubUrl, 'tokens', { contentType: 'text/csv', body: () => output(16 * MB) }, { timeoutMs: 1000 });
  expect(reply.accepted).toBe(true);
  expect(received).toBe(16 * MB);
  // The upload outlasted the timeout, so the timeout did not bound it.
  expect(Date.now() - started).toBeGreaterThan(1000);
});

test('a large byte body is paced too', async () => {
  mode = 'slow';
  const started = Date.now();
  const reply = await publish(hubUrl, 'tokens', { contentType: 'application/json', body: new Uint8Array(16 * MB).fill(0x20) }, { timeoutMs: 1000 });
  expect(reply.accepted).toBe(true);
  expect(received).toBe(16 * MB);
  expect(Date.now() - started).toBeGreaterThan(1000);
});

test('a hub that stops reading times out', async () => {
  mode = 'stall';
  const err = await publish(hubUrl, 'tokens', { contentType: 'text/csv', body: () => output(64 * MB) }, { timeoutMs: 300 }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WebsubError);
  expect((err as WebsubError).code).toBe('WEBSUB_TIMEOUT');
  expect(received).toBeLessThan(64 * MB);
});
