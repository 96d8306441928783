// timeoutSeconds per call: it survives garbage collection, and it bounds each wait for the receiver, not a whole
// upload that keeps moving.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createTokenCache, deliverCallback } from '../index.js';

// A gc() without starting Node with --expose-gc: the flag applies to contexts made after it is set.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** A server that holds every request unanswered until `rescue()`, which answers them all with `answer`. */
async function silentServer(answer: (req: IncomingMessage, res: ServerResponse) => void) {
  const held: Array<[IncomingMessage, ServerResponse]> = [];
  const server = createServer((req, res) => void held.push([req, res]));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    rescue: () => held.splice(0).forEach(([req, res]) => answer(req, res)),
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

/**
 * Runs `fn` while collecting garbage every 20 ms, as a busy worker's heap does. If the call's timeout was collected,
 * the server answers after `rescueMs` instead, so the test ends with the wrong outcome rather than hanging.
 */
async function underGc<T>(server: { rescue(): void }, fn: () => Promise<T>, rescueMs = 5000): Promise<T> {
  const collector = setInterval(gc, 20);
  const rescue = setTimeout(() => server.rescue(), rescueMs);
  try {
    return await fn();
  } finally {
    clearInterval(collector);
    clearTimeout(rescue);
  }
}

describe('the timeout of a callback call', () => {
  it('still fires after garbage collections while the receiver does not answer', async () => {
    const server = await silentServer((_req, res) => res.end());
    try {
      const result = await underGc(server, () =>
        deliverCallback({ url: `${server.url}/cb`, timeoutSeconds: 0.3 }, { kind: 'json-records', records: [{ key: 1, body: { vid: 'v1' } }] }, { attempts: 1 }),
      );
      expect(result.results[0]).toMatchObject({ ok: false, attempts: 1, errorCode: 'CALLBACK_TIMEOUT', retryable: true });
    } finally {
      await server.close();
    }
  });

  it('still fires after garbage collections while a token endpoint does not finish its answer', async () => {
    // Headers sent, body never finished: the read of the token is bounded too, and is a timeout, not a refusal.
    const server = await silentServer((_req, res) => res.end('{"access_token":"late","expires_in":60}'));
    const stalled = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"access_token":');
    });
    await new Promise<void>((r) => stalled.listen(0, '127.0.0.1', r));
    try {
      const authUrl = `http://127.0.0.1:${(stalled.address() as AddressInfo).port}/token`;
      const result = await underGc(server, () =>
        deliverCallback(
          { url: `${server.url}/cb`, timeoutSeconds: 0.3, authType: 'oauth', authOauth: { authUrl, clientId: 'c', clientSecret: 's' } },
          { kind: 'json-bulk', body: [] },
          { attempts: 1, tokenCache: createTokenCache() },
        ),
      );
      expect(result.results[0]).toMatchObject({ ok: false, errorCode: 'CALLBACK_TIMEOUT', errorMessage: 'oauth token: timed out', retryable: true });
    } finally {
      stalled.closeAllConnections();
      await new Promise((r) => stalled.close(r));
      await server.close();
    }
  });
});

describe('a large streamed body', () => {
  /**
   * A transport that takes the body slowly but steadily (`gapMs` per 64 KiB, as a slow link writes it), then answers
   * 200 at once; like fetch, it gives up with the signal's reason when the signal aborts.
   */
  function slowReader(gapMs: number) {
    const seen = { bytes: 0 };
    const fetch: typeof globalThis.fetch = async (_url, init = {}) => {
      const signal = init.signal!;
      const reader = (init.body as ReadableStream<Uint8Array>).getReader();
      const aborted = new Promise<never>((_r, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
      aborted.catch(() => {});
      for (;;) {
        const { value, done } = await Promise.race([reader.read(), aborted]);
        if (done) break;
        seen.bytes += value.byteLength;
        await Promise.race([new Promise((r) => setTimeout(r, gapMs * Math.ceil(value.byteLength / 65_536))), aborted]);
      }
      return new Response(null, { status: 200 });
    };
    return { fetch, seen };
  }

  it('is delivered when its upload takes longer than timeoutSeconds but never stalls that long', async () => {
    // 40 chunks of 64 KiB, one taken every 25 ms: about 1 s of upload, against a 0.4 s timeout per wait.
    const chunk = new Uint8Array(64 * 1024).fill(0x61);
    async function* csv() {
      yield 'vid,token\n';
      for (let i = 0; i < 40; i++) yield chunk;
    }
    const { fetch, seen } = slowReader(25);
    const result = await deliverCallback(
      { url: 'http://cb.test/in', callInBulk: true, requestFileName: 'tokens.csv', timeoutSeconds: 0.4 },
      { kind: 'csv', content: () => csv() },
      { attempts: 1, fetch },
    );
    expect(result.results[0]).toMatchObject({ ok: true, attempts: 1 });
    expect(seen.bytes).toBeGreaterThan(40 * 64 * 1024);
  });

  it('is delivered over HTTP to a receiver that reads it slowly but steadily, then answers at once', async () => {
    // About 8 MB/s: each chunk read is followed by a pause in proportion to its size. 16 MiB take about 2 s, more
    // than the 1.5 s timeout; what the sockets buffer after the last write (a few MB) drains well within it.
    let received = 0;
    const server = createServer((req, res) => {
      req.on('data', (c: Buffer) => {
        received += c.length;
        req.pause();
        setTimeout(() => req.resume(), Math.ceil(c.length / 8000));
      });
      req.on('end', () => res.end());
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const chunk = new Uint8Array(64 * 1024).fill(0x61);
    async function* csv() {
      for (let i = 0; i < 256; i++) yield chunk;
    }
    try {
      const result = await deliverCallback(
        { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/cb`, requestFileName: 'tokens.csv', timeoutSeconds: 1.5 },
        { kind: 'csv', content: () => csv() },
        { attempts: 1 },
      );
      expect(result.results[0]).toMatchObject({ ok: true, status: 200, attempts: 1 });
      expect(received).toBeGreaterThan(256 * chunk.byteLength);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it('splits a large chunk, so one big chunk is not one unwatched write', async () => {
    const { fetch, seen } = slowReader(25);
    const big = new Uint8Array(40 * 64 * 1024).fill(0x61);
    const result = await deliverCallback(
      { url: 'http://cb.test/in', callInBulk: true, timeoutSeconds: 0.4 },
      { kind: 'json-bulk', body: async function* () { yield big; } },
      { attempts: 1, fetch },
    );
    expect(result.results[0]).toMatchObject({ ok: true, attempts: 1 });
    expect(seen.bytes).toBe(big.byteLength);
  });

  it('times out when the receiver stops taking it', async () => {
    // Takes one piece, then stalls: the stall is bounded by timeoutSeconds.
    const fetch: typeof globalThis.fetch = async (_url, init = {}) => {
      await (init.body as ReadableStream<Uint8Array>).getReader().read();
      return new Promise((_r, reject) => init.signal!.addEventListener('abort', () => reject(init.signal!.reason), { once: true }));
    };
    async function* csv() {
      for (let i = 0; i < 4; i++) yield 'v,t\n';
    }
    const result = await deliverCallback({ url: 'http://cb.test/in', requestFileName: 'f.csv', timeoutSeconds: 0.1 }, { kind: 'csv', content: () => csv() }, { attempts: 1, fetch });
    expect(result.results[0]).toMatchObject({ ok: false, errorCode: 'CALLBACK_TIMEOUT' });
  });
});
