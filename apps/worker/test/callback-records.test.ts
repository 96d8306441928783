// json output, callInBulk false: one callback per record, each tracked in the store. Counted at the receiver.
import { createTempDir, startCallbackReceiver, type CallbackReceiver, type TempDir } from '@mts/testing';
import type { Store } from '@mts/store';
import { startWorker, type RunningWorker } from '../src/index.js';
import { fakeAuthenticator } from './fake-authenticator.js';
import { openApiStore, people, sql, submit, testConfig, waitDone } from './helpers.js';

jest.setTimeout(60_000);

let dir: TempDir;
let api: Store;
let worker: RunningWorker | undefined;
let rx: CallbackReceiver;

beforeEach(async () => {
  dir = await createTempDir('callback-records-');
  rx = await startCallbackReceiver();
});
afterEach(async () => {
  await worker?.stop();
  await api.close();
  await rx.close();
  await dir.remove();
});

/** Answered calls per Idempotency-Key. */
function sendsByKey(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const c of rx.calls) {
    const key = String(c.headers['idempotency-key']);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

const lineKeys = (id: string, n: number) => Array.from({ length: n }, (_, i) => `${id}:${i + 1}`);

test('every record is sent once, with Idempotency-Key <requestId>:<lineNo>, and marked delivered', async () => {
  const config = testConfig(dir.path);
  api = await openApiStore(config);
  worker = await startWorker(config, { authenticator: fakeAuthenticator().auth });
  const id = await submit(api, 'ndjson', people(30), {
    output: 'json',
    deliverytype: 'callback',
    callbackProperties: { url: `${rx.url}/callback/post/json/noauth` },
  });
  expect(await waitDone(api, id)).toMatchObject({ status: 'processed_with_errors', deliveryState: 'delivered', deliveryAttempts: 1 });

  const sends = sendsByKey();
  expect([...sends.keys()]).toEqual(lineKeys(id, 30));
  expect([...sends.values()].every((n) => n === 1)).toBe(true);
  expect(rx.calls.every((c) => c.status === 200)).toBe(true);
  // NDJSON line 4 is person 3: vid 4000000003, token from the fake authenticator.
  expect(rx.calls[3]!.body).toEqual({ vid: '4000000003', status: 'processed', token: 'tok-4000000003', errorCode: null, errorMessage: null });
  expect(await api.countUndelivered(id)).toBe(0);
});

test('records the receiver refuses stay undelivered with their code; the others are still sent', async () => {
  const config = testConfig(dir.path);
  api = await openApiStore(config);
  // Lines 3..8 answered 422 (six in a row: more than the five retryable failures that would stop the rest).
  const refused = new Set([3, 4, 5, 6, 7, 8]);
  const fetchSome: typeof fetch = async (url, init) => {
    const line = Number(String(new Headers(init?.headers).get('idempotency-key')).split(':')[1]);
    return refused.has(line) ? new Response(null, { status: 422 }) : fetch(url, init);
  };
  worker = await startWorker(config, {
    authenticator: fakeAuthenticator().auth,
    callbackOptions: { attempts: 2, backoffBaseMs: 5, backoffMaxMs: 10, fetch: fetchSome },
  });
  const id = await submit(api, 'ndjson', people(20), {
    output: 'json',
    deliverytype: 'callback',
    callbackProperties: { url: `${rx.url}/callback/post/json/noauth` },
  });
  const done = await waitDone(api, id);
  expect(done).toMatchObject({ status: 'error_making_callback_request', deliveryState: 'failed', lastError: 'CALLBACK_HTTP_STATUS' });

  expect([...sendsByKey().keys()]).toEqual(lineKeys(id, 20).filter((_, i) => !refused.has(i + 1)));
  expect(await api.countUndelivered(id)).toBe(6);
  const rows = sql<{ line_no: number; delivery_error: string }>(
    dir.path,
    'SELECT line_no, delivery_error FROM records WHERE request_id = ? AND delivered_at IS NULL ORDER BY line_no',
    id,
  );
  expect(rows).toEqual([...refused].map((line_no) => ({ line_no, delivery_error: 'CALLBACK_HTTP_STATUS' })));
  expect(done.piiErasedAt).toBeInstanceOf(Date);
});
