import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startCallbackReceiver, type CallbackReceiver } from '@mts/testing';
import { createTokenCache, deliverCallback, type RecordDelivery } from '../index.js';

const fast = { backoffBaseMs: 1, backoffMaxMs: 2, random: () => 0 };

describe('deliverCallback', () => {
  let rx: CallbackReceiver;
  beforeEach(async () => {
    rx = await startCallbackReceiver({
      oauth: { clientId: 'mts', clientSecret: 'client-secret', username: 'alice', password: 'pw-1', expiresIn: 3600 },
      odoo: { database: 'registry', login: 'admin', password: 'odoo-pw' },
      flakyFailures: 2,
    });
  });
  afterEach(() => rx.close());

  it('sends one JSON request per record and reports each', async () => {
    const seen: RecordDelivery[] = [];
    const records = [1, 2, 3].map((n) => ({ key: n, body: { vid: `v${n}`, token: `t${n}` } }));
    const result = await deliverCallback({ url: `${rx.url}/callback/post/json/noauth` }, { kind: 'json-records', records }, { onResult: (r) => void seen.push(r) });
    expect(result).toMatchObject({ ok: true, delivered: 3, failed: 0 });
    expect(seen.map((r) => r.key)).toEqual([1, 2, 3]);
    expect(rx.calls.map((c) => c.body)).toEqual(records.map((r) => r.body));
    expect(rx.calls[0].headers['content-type']).toBe('application/json');
  });

  it('sends the whole array in bulk', async () => {
    const body = [{ vid: 'a' }, { vid: 'b' }];
    const result = await deliverCallback({ url: `${rx.url}/callback/post/json/noauth`, callInBulk: true }, { kind: 'json-bulk', body });
    expect(result.ok).toBe(true);
    expect(rx.calls).toHaveLength(1);
    expect(rx.calls[0].body).toEqual(body);
  });

  it('sends CSV as multipart with field name and filename = requestFileName, streamed from a factory', async () => {
    async function* csv() {
      yield 'vid,status,token\n';
      yield 'v1,processed,t1\n';
    }
    const result = await deliverCallback(
      { url: `${rx.url}/callback/post/csv/noauth`, callInBulk: true, requestFileName: 'tokens.csv' },
      { kind: 'csv', content: () => csv() },
    );
    expect(result.ok).toBe(true);
    expect(rx.calls[0].files).toEqual([{ field: 'tokens.csv', filename: 'tokens.csv', content: 'vid,status,token\nv1,processed,t1\n' }]);
  });

  it('treats non-2xx as failure and does not retry a 400', async () => {
    const result = await deliverCallback({ url: `${rx.url}/callback/post/csv/noauth` }, { kind: 'json-bulk', body: [] }, fast);
    expect(result.ok).toBe(false);
    expect(result.results[0]).toMatchObject({ ok: false, status: 400, attempts: 1, errorCode: 'CALLBACK_HTTP_STATUS' });
  });

  it('retries 5xx with backoff, then succeeds', async () => {
    const sleeps: number[] = [];
    const result = await deliverCallback({ url: `${rx.url}/callback/post/flaky/noauth` }, { kind: 'json-bulk', body: [1] }, {
      ...fast,
      backoffBaseMs: 100,
      backoffMaxMs: 10_000,
      sleep: async (ms) => void sleeps.push(ms),
    });
    expect(result.results[0]).toMatchObject({ ok: true, attempts: 3 });
    expect(sleeps).toEqual([50, 100]);
  });

  it('gives up after the attempts on a persistent 500, and skips the rest after consecutive failures', async () => {
    const records = Array.from({ length: 6 }, (_, i) => ({ key: i, body: { i } }));
    const result = await deliverCallback({ url: `${rx.url}/callback/post/failure/noauth` }, { kind: 'json-records', records }, { ...fast, attempts: 2, maxConsecutiveFailures: 3 });
    expect(result).toMatchObject({ ok: false, delivered: 0, failed: 6 });
    expect(result.results.slice(0, 3).every((r) => r.attempts === 2 && r.status === 500)).toBe(true);
    expect(result.results.slice(3).every((r) => r.errorCode === 'CALLBACK_ABORTED' && r.attempts === 0)).toBe(true);
    expect(rx.calls).toHaveLength(6);
  });

  it('keeps sending the other records when the receiver refuses some with a 4xx', async () => {
    // /csv/ answers 400 to a JSON body: a refusal of that record, not a sign the endpoint is down.
    const records = Array.from({ length: 6 }, (_, i) => ({ key: i, body: { i } }));
    const result = await deliverCallback({ url: `${rx.url}/callback/post/csv/noauth` }, { kind: 'json-records', records }, { ...fast, maxConsecutiveFailures: 3 });
    expect(result).toMatchObject({ ok: false, delivered: 0, failed: 6 });
    expect(result.results.every((r) => r.errorCode === 'CALLBACK_HTTP_STATUS' && r.status === 400 && r.attempts === 1 && r.retryable === false)).toBe(true);
    expect(rx.calls).toHaveLength(6);
  });

  it('sends a stable Idempotency-Key: <key>:<record> per record, <key> in bulk, the same on every retry; extraHeaders win', async () => {
    const records = [7, 8].map((n) => ({ key: n, body: { n } }));
    await deliverCallback({ url: `${rx.url}/callback/post/json/noauth` }, { kind: 'json-records', records }, { idempotencyKey: 'req-1' });
    await deliverCallback({ url: `${rx.url}/callback/post/flaky/noauth` }, { kind: 'json-bulk', body: [] }, { ...fast, idempotencyKey: 'req-2' });
    await deliverCallback({ url: `${rx.url}/callback/post/json/noauth`, extraHeaders: { 'idempotency-key': 'theirs' } }, { kind: 'json-bulk', body: [] }, { idempotencyKey: 'req-3' });
    await deliverCallback({ url: `${rx.url}/callback/post/json/noauth` }, { kind: 'json-bulk', body: [] });
    expect(rx.calls.map((c) => [c.status, c.headers['idempotency-key']])).toEqual([
      [200, 'req-1:7'],
      [200, 'req-1:8'],
      [503, 'req-2'],
      [503, 'req-2'],
      [200, 'req-2'],
      [200, 'theirs'],
      [200, undefined],
    ]);
  });

  it('with keepResults false reports every outcome through onResult and keeps only the counts', async () => {
    const seen: RecordDelivery[] = [];
    const records = Array.from({ length: 4 }, (_, i) => ({ key: i, body: { i } }));
    const result = await deliverCallback({ url: `${rx.url}/callback/post/json/noauth` }, { kind: 'json-records', records }, { keepResults: false, onResult: (r) => void seen.push(r) });
    expect(result).toEqual({ ok: true, delivered: 4, failed: 0, results: [] });
    expect(seen.map((r) => r.ok)).toEqual([true, true, true, true]);
  });

  it('reports a transport failure and a timeout as retryable failures', async () => {
    const refused = await deliverCallback({ url: 'http://127.0.0.1:1/x' }, { kind: 'json-bulk', body: [] }, { ...fast, attempts: 2 });
    expect(refused.results[0]).toMatchObject({ ok: false, attempts: 2, errorCode: 'CALLBACK_TRANSPORT' });
    const hang: typeof fetch = (_url, init) => new Promise((_r, reject) => init!.signal!.addEventListener('abort', () => reject(init!.signal!.reason)));
    const timedOut = await deliverCallback({ url: 'http://x.invalid/', timeoutSeconds: 0.05 }, { kind: 'json-bulk', body: [] }, { ...fast, attempts: 1, fetch: hang });
    expect(timedOut.results[0].errorCode).toBe('CALLBACK_TIMEOUT');
  });

  it('adds a static bearer token, and extraHeaders win over it', async () => {
    await deliverCallback({ url: `${rx.url}/callback/post/json/noauth`, authType: 'staticBearer', authStaticBearer: { token: 'abc' } }, { kind: 'json-bulk', body: [] });
    await deliverCallback(
      { url: `${rx.url}/callback/post/json/noauth`, authType: 'staticBearer', authStaticBearer: { token: 'abc' }, extraHeaders: { Authorization: 'Token zzz', 'X-Extra': '1' } },
      { kind: 'json-bulk', body: [] },
    );
    expect(rx.calls[0].headers.authorization).toBe('Bearer abc');
    expect(rx.calls[1].headers.authorization).toBe('Token zzz');
    expect(rx.calls[1].headers['x-extra']).toBe('1');
  });

  it('gets an OAuth token (client_credentials and password grants) and caches it by expires_in', async () => {
    const cache = createTokenCache();
    const client = { url: `${rx.url}/callback/post/json/oauth`, authType: 'oauth' as const, authOauth: { authUrl: `${rx.url}/oauth/token`, clientId: 'mts', clientSecret: 'client-secret' } };
    const records = [1, 2, 3].map((n) => ({ key: n, body: { n } }));
    expect((await deliverCallback(client, { kind: 'json-records', records }, { tokenCache: cache })).ok).toBe(true);
    expect((await deliverCallback(client, { kind: 'json-bulk', body: [] }, { tokenCache: cache })).ok).toBe(true);
    expect(rx.logins.oauth).toBe(1);
    const user = { ...client, authOauth: { ...client.authOauth, username: 'alice', password: 'pw-1' } };
    expect((await deliverCallback(user, { kind: 'json-bulk', body: [] }, { tokenCache: cache })).ok).toBe(true);
    expect(rx.logins.oauth).toBe(2);
    // Past expiry (minus skew) the token is fetched again.
    const later = Date.now() + 3600_000 - 10_000;
    expect((await deliverCallback(client, { kind: 'json-bulk', body: [] }, { tokenCache: cache, now: () => later })).ok).toBe(true);
    expect(rx.logins.oauth).toBe(3);
  });

  it('reports an OAuth error body without calling the callback, and without secrets in the message', async () => {
    const result = await deliverCallback(
      { url: `${rx.url}/callback/post/json/oauth`, authType: 'oauth', authOauth: { authUrl: `${rx.url}/oauth/token`, clientId: 'mts', clientSecret: 'wrong-secret' } },
      { kind: 'json-records', records: [{ key: 1, body: {} }, { key: 2, body: {} }] },
      { ...fast, tokenCache: createTokenCache() },
    );
    expect(result.results.map((r) => r.errorCode)).toEqual(['CALLBACK_AUTH_FAILED', 'CALLBACK_AUTH_FAILED']);
    expect(result.results[0].errorMessage).toBe('oauth token refused: invalid_client');
    expect(JSON.stringify(result)).not.toContain('wrong-secret');
    expect(rx.logins.oauth).toBe(1);
    expect(rx.calls).toHaveLength(0);
  });

  it('logs in to Odoo with JSON-RPC, sends the session cookie, and logs out', async () => {
    const props = {
      url: `${rx.url}/callback/post/json/odoo`,
      authType: 'odoo' as const,
      authOdoo: { authUrl: `${rx.url}/web/session/authenticate`, database: 'registry', username: 'admin', password: 'odoo-pw' },
    };
    const result = await deliverCallback(props, { kind: 'json-records', records: [{ key: 'a', body: { vid: 'x' } }, { key: 'b', body: { vid: 'y' } }] });
    expect(result).toMatchObject({ ok: true, delivered: 2 });
    expect(rx.logins).toEqual({ oauth: 0, odoo: 1, odooLogouts: 1 });
    expect(String(rx.calls[0].headers.cookie)).toMatch(/^session_id=/);
  });

  const odoo = (route: string) => ({
    url: `${rx.url}/callback/post/${route}/odoo`,
    authType: 'odoo' as const,
    authOdoo: { authUrl: `${rx.url}/web/session/authenticate`, database: 'registry', username: 'admin', password: 'odoo-pw' },
  });

  it('logs in to Odoo again when a call answers HTTP 200 with JSON-RPC error 100 (session expired), and counts only what Odoo took', async () => {
    const records = [1, 2, 3].map((n) => ({ key: n, body: { vid: `v${n}` } }));
    // The session ends after the first record (an Odoo restart, a session purge).
    const result = await deliverCallback(odoo('json'), { kind: 'json-records', records }, { ...fast, onResult: (r) => void (r.key === 1 && rx.expireOdooSessions()) });
    expect(result).toMatchObject({ ok: true, delivered: 3, failed: 0 });
    expect(result.results.map((r) => r.attempts)).toEqual([1, 1, 1]);
    expect(rx.calls.map((c) => [c.rpcError ?? c.status, (c.body as { vid?: string } | null)?.vid ?? null])).toEqual([
      [200, 'v1'],
      [100, null],
      [200, 'v2'],
      [200, 'v3'],
    ]);
    expect(rx.logins.odoo).toBe(2);
  });

  it('counts an Odoo JSON-RPC error answered with HTTP 200 as a failure, without the error text', async () => {
    const result = await deliverCallback(odoo('failure'), { kind: 'json-records', records: [{ key: 1, body: { vid: 'v1' } }] }, fast);
    expect(result).toMatchObject({ ok: false, delivered: 0, failed: 1 });
    expect(result.results[0]).toEqual({
      key: 1,
      ok: false,
      status: 200,
      attempts: 1,
      errorCode: 'CALLBACK_RPC_ERROR',
      errorMessage: 'callback answered a JSON-RPC error: odoo.exceptions.ValidationError',
      retryable: false,
    });
    expect(rx.logins.odoo).toBe(1);
  });

  it("logs in to Odoo again when a type='http' route sends the call to /web/login (303)", async () => {
    let first = true;
    // The session is gone by the time the CSV goes out.
    const expiring: typeof fetch = async (url, init) => {
      const res = await fetch(url, init);
      if (first && String(url).endsWith('/web/session/authenticate')) rx.expireOdooSessions();
      first = false;
      return res;
    };
    const result = await deliverCallback({ ...odoo('csv'), requestFileName: 'tokens.csv', callInBulk: true }, { kind: 'csv', content: 'vid,token\nv1,t1\n' }, { ...fast, fetch: expiring });
    expect(result.results[0]).toMatchObject({ ok: true, status: 200, attempts: 1 });
    expect(rx.calls.map((c) => c.status)).toEqual([303, 200]);
    expect(rx.calls[1].files).toEqual([{ field: 'tokens.csv', filename: 'tokens.csv', content: 'vid,token\nv1,t1\n' }]);
    expect(rx.logins.odoo).toBe(2);
  });

  it('treats Odoo AccessDenied in an HTTP 200 body as a failed login', async () => {
    const result = await deliverCallback(
      { url: `${rx.url}/callback/post/json/odoo`, authType: 'odoo', authOdoo: { authUrl: `${rx.url}/web/session/authenticate`, database: 'registry', username: 'admin', password: 'nope' } },
      { kind: 'json-bulk', body: [] },
      fast,
    );
    expect(result.results[0]).toMatchObject({ ok: false, errorCode: 'CALLBACK_AUTH_FAILED', errorMessage: 'odoo login refused: odoo.exceptions.AccessDenied' });
    expect(rx.calls).toHaveLength(0);
  });

  it('stops a login that hangs when the delivery is aborted, instead of waiting out its timeout', async () => {
    // A token endpoint that accepts the connection and never answers.
    const silent = createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const { port } = silent.address() as AddressInfo;
    const controller = new AbortController();
    try {
      const delivering = deliverCallback(
        {
          url: `${rx.url}/callback/post/json/oauth`,
          timeoutSeconds: 3600,
          authType: 'oauth',
          authOauth: { authUrl: `http://127.0.0.1:${port}/token`, clientId: 'mts', clientSecret: 'client-secret' },
        },
        { kind: 'json-bulk', body: [] },
        { ...fast, attempts: 1, signal: controller.signal },
      );
      setTimeout(() => controller.abort(), 50);
      const result = await delivering;
      expect(result.results[0]).toMatchObject({ ok: false, errorCode: 'CALLBACK_ABORTED' });
      expect(rx.calls).toHaveLength(0);
    } finally {
      silent.closeAllConnections();
      await new Promise((r) => silent.close(r));
    }
  });

  it('refuses properties it cannot use', async () => {
    await expect(deliverCallback({ url: '' }, { kind: 'json-bulk', body: [] })).rejects.toMatchObject({ code: 'CALLBACK_INVALID_PROPERTIES' });
    await expect(deliverCallback({ url: rx.url }, { kind: 'csv', content: 'a' })).rejects.toMatchObject({ code: 'CALLBACK_INVALID_PROPERTIES' });
    await expect(deliverCallback({ url: rx.url, authType: 'staticBearer' }, { kind: 'json-bulk', body: [] })).rejects.toMatchObject({ code: 'CALLBACK_INVALID_PROPERTIES' });
  });
});
