// The hub's per-call timeout (distribution, intent verification) fires even after garbage collections.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { distribute } from '../src/lib/distribute.js';
import type { DistributionAttempt } from '../src/lib/types.js';
import { verifyIntent } from '../src/lib/verify.js';

// A gc() without starting Node with --expose-gc: the flag applies to contexts made after it is set.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/**
 * A subscriber that holds every call unanswered. If the hub's timeout was collected, it answers after 5 s instead
 * (200, echoing any challenge), so the test ends with the wrong outcome rather than hanging.
 */
async function underGc<T>(fn: (callback: string) => Promise<T>): Promise<T> {
  const held: Array<[IncomingMessage, ServerResponse]> = [];
  const server = createServer((req, res) => void held.push([req, res]));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const collector = setInterval(gc, 20);
  const rescue = setTimeout(() => {
    for (const [req, res] of held.splice(0)) res.end(new URL(req.url ?? '/', 'http://x').searchParams.get('hub.challenge') ?? '');
  }, 5000);
  try {
    return await fn(`http://127.0.0.1:${(server.address() as AddressInfo).port}/cb`);
  } finally {
    clearInterval(collector);
    clearTimeout(rescue);
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
}

test('a distribution to a subscriber that does not answer times out', async () => {
  const attempts: DistributionAttempt[] = [];
  await underGc((callback) =>
    distribute({
      hubUrl: 'http://hub.test/hub',
      sub: { topic: 'tokens', callback, expiresAt: Number.POSITIVE_INFINITY },
      contentType: 'application/json',
      body: Buffer.from('{}'),
      attempts: 1,
      retryDelayMs: 0,
      timeoutMs: 300,
      fetch,
      record: (a) => void attempts.push(a),
      gone: () => {},
      signal: new AbortController().signal,
    }),
  );
  expect(attempts.map((a) => a.status)).toEqual([0]);
});

test('an intent check to a subscriber that does not answer times out (not confirmed)', async () => {
  const confirmed = await underGc((callback) => verifyIntent(fetch, callback, { mode: 'subscribe', topic: 'tokens', leaseSeconds: 60 }, 300, new AbortController().signal));
  expect(confirmed).toBe(false);
});
