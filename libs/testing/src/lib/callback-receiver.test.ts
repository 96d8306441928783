import { startCallbackReceiver, type CallbackReceiver } from './callback-receiver.js';

let rx: CallbackReceiver;
afterEach(() => rx.close());

const post = (url: string, body: unknown, signal?: AbortSignal) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': 'r:1' }, body: JSON.stringify(body), signal });

async function until(fn: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !fn(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(fn()).toBe(true);
}

test('answers MTS callback-tester paths and records each call with its headers and body', async () => {
  rx = await startCallbackReceiver();
  expect((await post(`${rx.url}/callback/post/json/noauth`, { vid: 'synthetic' })).status).toBe(200);
  expect((await post(`${rx.url}/callback/post/failure/noauth`, {})).status).toBe(500);
  expect((await post(`${rx.url}/nowhere`, {})).status).toBe(404);
  expect(rx.calls.map((c) => [c.path, c.status])).toEqual([
    ['/callback/post/json/noauth', 200],
    ['/callback/post/failure/noauth', 500],
  ]);
  expect(rx.calls[0]!.body).toEqual({ vid: 'synthetic' });
  expect(rx.calls[0]!.headers['idempotency-key']).toBe('r:1');
});

test('holdAfter: later calls wait unanswered; one whose sender hangs up is dropped; release() answers the rest', async () => {
  rx = await startCallbackReceiver({ holdAfter: 1 });
  const url = `${rx.url}/callback/post/json/noauth`;
  expect((await post(url, { n: 1 })).status).toBe(200);

  const gone = new AbortController();
  const abandoned = post(url, { n: 2 }, gone.signal).catch((e: Error) => e.name);
  await until(() => rx.held === 1);
  gone.abort();
  expect(await abandoned).toBe('AbortError');
  await until(() => rx.held === 0);

  const waiting = post(url, { n: 3 });
  await until(() => rx.held === 1);
  rx.release();
  expect((await waiting).status).toBe(200);
  expect((await post(url, { n: 4 })).status).toBe(200);
  expect(rx.calls.map((c) => c.body)).toEqual([{ n: 1 }, { n: 3 }, { n: 4 }]);
});

test('the /odoo routes answer as Odoo does: HTTP 200 with a JSON-RPC error for a bad session or a refusal, 303 to /web/login for csv', async () => {
  rx = await startCallbackReceiver({ odoo: { database: 'db', login: 'admin', password: 'pw' } });
  const json = async (res: Response) => [res.status, await res.json()];
  expect(await json(await post(`${rx.url}/callback/post/json/odoo`, { vid: 'synthetic' }))).toEqual([
    200,
    { jsonrpc: '2.0', id: null, error: { code: 100, message: 'Odoo Session Expired', data: expect.objectContaining({ name: 'odoo.http.SessionExpiredException' }) } },
  ]);
  const csv = await fetch(`${rx.url}/callback/post/csv/odoo`, { method: 'POST', body: new FormData(), redirect: 'manual' });
  expect([csv.status, csv.headers.get('location')]).toEqual([303, '/web/login?redirect=%2Fcallback%2Fpost%2Fcsv%2Fodoo']);

  const login = await post(`${rx.url}/web/session/authenticate`, { jsonrpc: '2.0', method: 'call', id: 1, params: { db: 'db', login: 'admin', password: 'pw' } });
  const cookie = login.headers.getSetCookie()[0]!.split(';')[0]!;
  const withSession = (path: string) => fetch(`${rx.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: '{"vid":"synthetic"}' });
  expect(await json(await withSession('/callback/post/json/odoo'))).toEqual([200, { jsonrpc: '2.0', id: null, result: { status: 200 } }]);
  expect(await json(await withSession('/callback/post/failure/odoo'))).toEqual([
    200,
    { jsonrpc: '2.0', id: null, error: { code: 200, message: 'Odoo Server Error', data: expect.objectContaining({ name: 'odoo.exceptions.ValidationError' }) } },
  ]);
  rx.expireOdooSessions();
  expect((await json(await withSession('/callback/post/json/odoo')))[1]).toMatchObject({ error: { code: 100 } });
  expect(rx.calls.map((c) => [c.path, c.status, c.rpcError])).toEqual([
    ['/callback/post/json/odoo', 200, 100],
    ['/callback/post/csv/odoo', 303, undefined],
    ['/callback/post/json/odoo', 200, undefined],
    ['/callback/post/failure/odoo', 200, 200],
    ['/callback/post/json/odoo', 200, 100],
  ]);
});
