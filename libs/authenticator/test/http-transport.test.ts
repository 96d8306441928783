import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHttpTransport, TransportError } from '../src/index.js';

let server: http.Server;
let base: string;
const ports = new Set<number>();

beforeAll(async () => {
  server = http.createServer((req, res) => {
    ports.add(req.socket.remotePort ?? 0);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url === '/slow') return setTimeout(() => res.end('late'), 500);
      if (req.url === '/huge') {
        // Far more than any IDA answer, in chunks, until the client hangs up.
        const chunk = Buffer.alloc(64 * 1024, 0x41);
        let sent = 0;
        const pump = (): void => {
          while (sent < 256 && !res.destroyed) {
            sent++;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          res.end();
        };
        res.on('error', () => undefined);
        return pump();
      }
      res.setHeader('response-signature', 'sig');
      res.end(JSON.stringify({ path: req.url, sig: req.headers.signature, length: Buffer.concat(chunks).length }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe('createHttpTransport', () => {
  it('POSTs the body with headers and reuses keep-alive connections', async () => {
    const transport = createHttpTransport({ maxSockets: 4 });
    ports.clear();
    for (let i = 0; i < 10; i++) {
      const res = await transport.send({ url: `${base}/a/b`, headers: { signature: 's1' }, body: Buffer.from('hello'), timeoutMs: 2000 });
      expect(res.status).toBe(200);
      expect(res.headers['response-signature']).toBe('sig');
      expect(JSON.parse(res.body.toString())).toEqual({ path: '/a/b', sig: 's1', length: 5 });
    }
    // undici's pool marks a connection free a moment after the answer is handed over, so a request sent straight
    // after may open a second one; ten requests in a row still share at most two.
    expect(ports.size).toBeLessThanOrEqual(2);
    await transport.close?.();
  });

  it('times out a request still waiting for a free connection, and sends it nowhere afterwards', async () => {
    const transport = createHttpTransport({ maxSockets: 1 });
    const paths: string[] = [];
    const seen = (req: http.IncomingMessage) => paths.push(req.url ?? '');
    server.on('request', seen);
    const slow = transport.send({ url: `${base}/slow`, headers: {}, body: Buffer.alloc(0), timeoutMs: 2000 });
    const queued = transport.send({ url: `${base}/queued`, headers: {}, body: Buffer.alloc(0), timeoutMs: 50 }).catch((e: unknown) => e);
    const err = await queued;
    expect(err).toBeInstanceOf(TransportError);
    expect((err as TransportError).timeout).toBe(true);
    expect((await slow).status).toBe(200);
    await new Promise((r) => setTimeout(r, 100));
    server.off('request', seen);
    expect(paths).toEqual(['/slow']);
    await transport.close?.();
  });

  it('cuts off an answer over maxAnswerBytes with a TransportError that is not retryable', async () => {
    const transport = createHttpTransport({ maxAnswerBytes: 100_000 });
    const err = await transport.send({ url: `${base}/huge`, headers: {}, body: Buffer.alloc(0), timeoutMs: 5000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect(err).toMatchObject({ timeout: false, retryable: false, message: 'answer larger than 100000 bytes' });
    // Small answers still pass under the same limit.
    expect((await transport.send({ url: `${base}/a`, headers: {}, body: Buffer.alloc(0), timeoutMs: 2000 })).status).toBe(200);
    await transport.close?.();
  });

  it('sends nothing once closed', async () => {
    const transport = createHttpTransport();
    await transport.send({ url: `${base}/a`, headers: {}, body: Buffer.alloc(0), timeoutMs: 2000 });
    await transport.close?.();
    const paths: string[] = [];
    const seen = (req: http.IncomingMessage) => paths.push(req.url ?? '');
    server.on('request', seen);
    const err = await transport.send({ url: `${base}/after-close`, headers: {}, body: Buffer.alloc(0), timeoutMs: 500 }).catch((e: unknown) => e);
    server.off('request', seen);
    expect(err).toMatchObject({ retryable: false, message: 'transport is closed' });
    expect(paths).toEqual([]);
  });

  it('rejects with a timeout TransportError after timeoutMs', async () => {
    const transport = createHttpTransport();
    const err = await transport.send({ url: `${base}/slow`, headers: {}, body: Buffer.alloc(0), timeoutMs: 50 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect((err as TransportError).timeout).toBe(true);
    await transport.close?.();
  });

  it('rejects with a network TransportError that does not echo the URL', async () => {
    const transport = createHttpTransport();
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const err = await transport
      .send({ url: `http://127.0.0.1:${port}/secret-key`, headers: {}, body: Buffer.alloc(0), timeoutMs: 1000 })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ timeout: false, message: expect.stringContaining('ECONNREFUSED') });
    expect((err as Error).message).not.toContain('secret-key');
    await transport.close?.();
  });
});
