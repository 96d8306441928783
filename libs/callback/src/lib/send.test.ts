// The per-call rules of send.ts, through deliverCallback with an injected fetch (no network).
import { createTokenCache, deliverCallback } from '../index.js';

interface Seen {
  url: string;
  method: string;
  redirect?: RequestInit['redirect'];
  headers: Headers;
  body: string | null;
}

/** A fetch that answers from `answers` in turn (the last one repeats) and records what it was sent. */
function fakeFetch(answers: Array<(url: string) => Response>) {
  const seen: Seen[] = [];
  const fetch: typeof globalThis.fetch = async (input, init = {}) => {
    const url = String(input);
    seen.push({
      url,
      method: init.method ?? 'GET',
      redirect: init.redirect,
      headers: new Headers(init.headers),
      body: init.body == null ? null : await new Response(init.body as ConstructorParameters<typeof Response>[0]).text(),
    });
    return answers[Math.min(seen.length, answers.length) - 1](url);
  };
  return { fetch, seen };
}

const fast = { backoffBaseMs: 1, backoffMaxMs: 1, sleep: async () => {}, random: () => 0 };
const status = (code: number) => () => new Response(null, { status: code });

describe('one callback call', () => {
  it('re-opens a streamed body on each retry, so every attempt carries the whole CSV', async () => {
    const { fetch, seen } = fakeFetch([status(503), status(503), status(200)]);
    async function* csv() {
      yield 'vid,token\n';
      yield 'v1,t1\n';
    }
    const result = await deliverCallback({ url: 'http://cb.test/in', requestFileName: 'out.csv' }, { kind: 'csv', content: () => csv() }, { ...fast, fetch });
    expect(result.results[0]).toMatchObject({ ok: true, attempts: 3 });
    expect(seen).toHaveLength(3);
    for (const call of seen) expect(call.body).toContain('\r\n\r\nvid,token\nv1,t1\n\r\n--');
  });

  it('sends GET and HEAD without a body, and upper-cases the method', async () => {
    const { fetch, seen } = fakeFetch([status(200)]);
    await deliverCallback({ url: 'http://cb.test/in', httpMethod: 'get' }, { kind: 'json-bulk', body: [1] }, { fetch });
    await deliverCallback({ url: 'http://cb.test/in', httpMethod: 'put' }, { kind: 'json-bulk', body: [1] }, { fetch });
    expect(seen.map((c) => [c.method, c.body])).toEqual([
      ['GET', null],
      ['PUT', '[1]'],
    ]);
  });

  it('does not follow redirects: a 3xx is a non-retryable failure', async () => {
    const { fetch, seen } = fakeFetch([() => new Response(null, { status: 302, headers: { location: 'http://elsewhere.test/' } })]);
    const result = await deliverCallback({ url: 'http://cb.test/in' }, { kind: 'json-bulk', body: [] }, { ...fast, fetch });
    expect(result.results[0]).toMatchObject({ ok: false, status: 302, attempts: 1, errorCode: 'CALLBACK_HTTP_STATUS', retryable: false });
    expect(seen.map((c) => c.redirect)).toEqual(['manual']);
  });

  it('on a 401 with oauth, fetches a new token once without spending an attempt', async () => {
    let tokens = 0;
    const token = () => Response.json({ access_token: `tok-${++tokens}`, expires_in: 3600 });
    const { fetch, seen } = fakeFetch([token, status(401), token, status(401)]);
    const props = { url: 'http://cb.test/in', authType: 'oauth' as const, authOauth: { authUrl: 'http://auth.test/token', clientId: 'c', clientSecret: 's' } };
    const result = await deliverCallback(props, { kind: 'json-bulk', body: [] }, { ...fast, attempts: 1, fetch, tokenCache: createTokenCache() });
    // token, call (401), new token, call again (401): the second 401 is the answer, on attempt 1.
    expect(seen.map((c) => `${c.url} ${c.headers.get('authorization') ?? ''}`.trim())).toEqual([
      'http://auth.test/token',
      'http://cb.test/in Bearer tok-1',
      'http://auth.test/token',
      'http://cb.test/in Bearer tok-2',
    ]);
    expect(result.results[0]).toMatchObject({ ok: false, status: 401, attempts: 1, retryable: false });
  });
});

describe('Odoo answers', () => {
  const props = {
    url: 'http://odoo.test/g2p/token',
    authType: 'odoo' as const,
    authOdoo: { authUrl: 'http://odoo.test/web/session/authenticate', database: 'db', username: 'admin', password: 'odoo-secret' },
  };
  let sessions = 0;
  const login = () => Response.json({ jsonrpc: '2.0', id: 1, result: { uid: 2 } }, { headers: { 'set-cookie': `session_id=sid-${++sessions}; HttpOnly; Path=/` } });
  const expired = () =>
    Response.json({ jsonrpc: '2.0', id: null, error: { code: 100, message: 'Odoo Session Expired', data: { name: 'odoo.http.SessionExpiredException', message: 'Session expired' } } });

  it('a session refused again right after a new login fails the call (CALLBACK_AUTH_FAILED), with one new login only', async () => {
    const { fetch, seen } = fakeFetch([login, expired, login, expired, status(200)]);
    const result = await deliverCallback(props, { kind: 'json-bulk', body: [] }, { ...fast, attempts: 3, fetch });
    expect(result.results[0]).toEqual({
      key: 'bulk',
      ok: false,
      status: 200,
      attempts: 1,
      errorCode: 'CALLBACK_AUTH_FAILED',
      errorMessage: 'callback refused the odoo session: odoo.http.SessionExpiredException',
      retryable: false,
    });
    // login, call, login, call, logout: no third login, no retry.
    expect(seen.map((c) => c.url)).toEqual([props.authOdoo.authUrl, props.url, props.authOdoo.authUrl, props.url, 'http://odoo.test/web/session/logout']);
    expect(JSON.stringify(result)).not.toMatch(/odoo-secret|sid-/);
  });

  it('a JSON-RPC result, or a JSON answer without jsonrpc, is a delivery; only odoo reads the answer', async () => {
    const rpcResult = () => Response.json({ jsonrpc: '2.0', id: null, result: true });
    const plain = () => Response.json({ error: 'not JSON-RPC' });
    for (const answer of [rpcResult, plain]) {
      const { fetch } = fakeFetch([login, answer]);
      expect((await deliverCallback(props, { kind: 'json-bulk', body: [] }, { ...fast, fetch })).ok).toBe(true);
    }
    const { fetch } = fakeFetch([expired]);
    expect((await deliverCallback({ url: props.url }, { kind: 'json-bulk', body: [] }, { ...fast, fetch })).ok).toBe(true);
  });
});

describe('the OAuth token cache', () => {
  it('does not hand a cached token to properties with other credentials for the same authUrl and clientId', async () => {
    const fetch: typeof globalThis.fetch = async (input, init = {}) => {
      if (String(input).startsWith('http://auth.test/')) {
        return String(init.body).includes('client_secret=right')
          ? Response.json({ access_token: 'owner-token', expires_in: 3600 })
          : Response.json({ error: 'invalid_client' }, { status: 401 });
      }
      sent.push(`${String(input)} ${new Headers(init.headers).get('authorization')}`);
      return new Response(null, { status: 200 });
    };
    const sent: string[] = [];
    const tokenCache = createTokenCache();
    const oauth = (url: string, clientSecret: string) => ({ url, authType: 'oauth' as const, authOauth: { authUrl: 'http://auth.test/token', clientId: 'c', clientSecret } });
    await deliverCallback(oauth('http://owner.test/', 'right'), { kind: 'json-bulk', body: [] }, { fetch, tokenCache });
    const other = await deliverCallback(oauth('http://other.test/', 'wrong'), { kind: 'json-bulk', body: [] }, { ...fast, fetch, tokenCache });
    expect(sent).toEqual(['http://owner.test/ Bearer owner-token']);
    expect(other.results[0]).toMatchObject({ ok: false, errorCode: 'CALLBACK_AUTH_FAILED' });
  });
});
