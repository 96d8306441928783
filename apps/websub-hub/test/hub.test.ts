// The hub stand-in over real HTTP: MOSIP's publisher form and replies, W3C subscriptions, signed distribution.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hubSignature, startTestSubscriber, startWebsubHub, verifyHubSignature, type RunningWebsubHub, type TestSubscriber } from '../src/index.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const call = async (url: string, init: RequestInit) => {
  const res = await fetch(url, { method: 'POST', ...init });
  return { status: res.status, reply: Object.fromEntries(new URLSearchParams(await res.text())) };
};
const publishTo = (hubUrl: string, topic: string, body: string, headers: Record<string, string> = {}) =>
  call(`${hubUrl}?${form({ 'hub.mode': 'publish', 'hub.topic': topic })}`, { headers: { 'content-type': 'application/json', ...headers }, body });

let clock = Date.parse('2026-05-01T00:00:00Z');
let hub: RunningWebsubHub;
const open: { close(): Promise<void> }[] = [];
const subscriber = async (options: Parameters<typeof startTestSubscriber>[0] = {}) => {
  const s = await startTestSubscriber(options);
  open.push(s);
  return s;
};

beforeEach(async () => {
  hub = await startWebsubHub({ retryDelayMs: 10, callTimeoutMs: 2000, now: () => clock });
});
afterEach(async () => {
  await hub.close();
  await Promise.all(open.splice(0).map((s) => s.close()));
});

test('register, a second register (denied with 200 as MOSIP), deregister and MOSIP unregister', async () => {
  expect(await call(hub.url, { headers: FORM, body: form({ 'hub.mode': 'register', 'hub.topic': 'tokens' }) })).toEqual({ status: 200, reply: { 'hub.mode': 'accepted' } });
  expect(await call(hub.url, { headers: FORM, body: form({ 'hub.mode': 'register', 'hub.topic': 'tokens' }) })).toEqual({
    status: 200,
    reply: { 'hub.mode': 'denied', 'hub.reason': 'Topic has already registered with the Hub' },
  });
  expect(hub.topics()).toEqual(['tokens']);
  expect((await call(hub.url, { headers: FORM, body: form({ 'hub.mode': 'deregister', 'hub.topic': 'tokens' }) })).reply['hub.mode']).toBe('accepted');
  expect((await call(hub.url, { headers: FORM, body: form({ 'hub.mode': 'unregister', 'hub.topic': 'tokens' }) })).reply['hub.mode']).toBe('denied');
  expect(hub.topics()).toEqual([]);
});

test('bad calls: no mode, an unknown mode, no topic, GET, another path; health answers UP', async () => {
  expect((await call(hub.url, { headers: FORM, body: '' })).status).toBe(400);
  expect((await call(hub.url, { headers: FORM, body: form({ 'hub.mode': 'shout', 'hub.topic': 't' }) })).status).toBe(400);
  expect((await call(hub.url, { headers: FORM, body: form({ 'hub.mode': 'register' }) })).reply).toEqual({ 'hub.mode': 'denied', 'hub.reason': 'hub.topic is missing' });
  expect((await fetch(hub.url)).status).toBe(405);
  expect((await fetch(hub.url.replace('/hub', '/other'), { method: 'POST' })).status).toBe(404);
  expect(await (await fetch(`${hub.url}/actuator/health`)).json()).toEqual({ status: 'UP' });
});

test('a publish to an unregistered topic is denied with 200 and a reason; to a registered one, accepted', async () => {
  expect(await publishTo(hub.url, 'nowhere', '{"a":1}')).toEqual({ status: 200, reply: { 'hub.mode': 'denied', 'hub.reason': 'Topic [nowhere] is not registered with the Hub' } });
  await call(hub.url, { headers: FORM, body: form({ 'hub.mode': 'register', 'hub.topic': 'tokens/issued' }) });
  expect(await publishTo(hub.url, 'tokens/issued', '{"a":2}')).toEqual({ status: 200, reply: { 'hub.mode': 'accepted' } });
  // Mode and topic in a form body (Ballerina's publisher client) work too.
  const formBody = form({ 'hub.mode': 'publish', 'hub.topic': 'tokens/issued' });
  expect(await call(hub.url, { headers: FORM, body: formBody })).toEqual({ status: 200, reply: { 'hub.mode': 'accepted' } });
  expect(hub.publishes().map((p) => [p.topic, p.outcome, p.body])).toEqual([
    ['nowhere', 'denied', '{"a":1}'],
    ['tokens/issued', 'accepted', '{"a":2}'],
    ['tokens/issued', 'accepted', formBody],
  ]);
});

test('subscribe: intent verified with a challenge and the lease; content arrives signed, with Link headers', async () => {
  const secret = 'synthetic-subscriber-secret';
  await call(hub.url, { headers: FORM, body: form({ 'hub.mode': 'register', 'hub.topic': 'tokens' }) });
  const seen: string[] = [];
  const sub = await subscriber({ secret, onReceived: (r) => void seen.push(r.body) });
  await sub.subscribe(hub.url, 'tokens', { leaseSeconds: 60 });
  await hub.idle();
  expect(sub.verifications).toEqual([{ mode: 'subscribe', topic: 'tokens', leaseSeconds: 60 }]);
  expect(hub.subscriptions()).toEqual([{ topic: 'tokens', callback: sub.url, expiresAt: clock + 60_000, hasSecret: true }]);

  await publishTo(hub.url, 'tokens', '{"vid":"1","token":"t1"}');
  await hub.idle();
  expect(sub.received).toEqual([
    {
      contentType: 'application/json',
      body: '{"vid":"1","token":"t1"}',
      signature: hubSignature(secret, Buffer.from('{"vid":"1","token":"t1"}')),
      signatureValid: true,
      link: `<${hub.url}>; rel="hub", <tokens>; rel="self"`,
    },
  ]);
  expect(seen).toEqual(['{"vid":"1","token":"t1"}']);
  // The check can fail: another secret, or a changed body, does not verify.
  expect(verifyHubSignature('another-secret', Buffer.from('{"vid":"1","token":"t1"}'), sub.received[0]!.signature)).toBe(false);
  expect(verifyHubSignature(secret, Buffer.from('{"vid":"1","token":"t2"}'), sub.received[0]!.signature)).toBe(false);
});

test('a callback that does not echo the challenge is not subscribed; an unregistered topic is refused with 406', async () => {
  await call(hub.url, { headers: FORM, body: form({ 'hub.mode': 'register', 'hub.topic': 'tokens' }) });
  let verified = 0;
  const liar: Server = createServer((req, res) => {
    verified++;
    res.end('not-the-challenge');
  });
  await new Promise<void>((r) => liar.listen(0, '127.0.0.1', r));
  open.push({ close: () => new Promise((r) => liar.close(() => r())) });
  const callback = `http://127.0.0.1:${(liar.address() as AddressInfo).port}/cb`;
  expect((await call(hub.url, { headers: FORM, body: form({ 'hub.mode': 'subscribe', 'hub.topic': 'tokens', 'hub.callback': callback }) })).status).toBe(202);
  await hub.idle();
  expect(verified).toBe(1);
  expect(hub.subscriptions()).toEqual([]);

  const sub = await subscriber();
  await expect(sub.subscribe(hub.url, 'unknown')).rejects.toThrow(/HTTP 406/);
  await hub.idle();
  expect(sub.verifications).toEqual([{ mode: 'denied', topic: 'unknown' }]);
  expect((await call(hub.url, { headers: FORM, body: form({ 'hub.mode': 'subscribe', 'hub.topic': 'tokens', 'hub.callback': 'ftp://x' }) })).status).toBe(400);
  const longSecret = 'x'.repeat(200);
  expect((await call(hub.url, { headers: FORM, body: form({ 'hub.mode': 'subscribe', 'hub.topic': 'tokens', 'hub.callback': callback, 'hub.secret': longSecret }) })).status).toBe(400);
});

test('distribution is retried 3 times on failure; 410 ends the subscription; unsubscribe is verified too', async () => {
  await call(hub.url, { headers: FORM, body: form({ 'hub.mode': 'register', 'hub.topic': 'tokens' }) });
  const flaky = await subscriber({ answer: (n) => (n < 3 ? 500 : 200) });
  await flaky.subscribe(hub.url, 'tokens');
  const failing = await subscriber({ answer: () => 503 });
  await failing.subscribe(hub.url, 'tokens');
  const leaving = await subscriber({ answer: () => 410 });
  await leaving.subscribe(hub.url, 'tokens');
  await hub.idle();
  await publishTo(hub.url, 'tokens', '[1]');
  await hub.idle();
  const statuses = (cb: TestSubscriber) => hub.distributions().filter((d) => d.callback === cb.url).map((d) => d.status);
  expect(statuses(flaky)).toEqual([500, 500, 200]);
  expect(statuses(failing)).toEqual([503, 503, 503]);
  expect(statuses(leaving)).toEqual([410]);
  expect(hub.subscriptions().map((s) => s.callback).sort()).toEqual([flaky.url, failing.url].sort());

  await flaky.subscribe(hub.url, 'tokens', { mode: 'unsubscribe' });
  await hub.idle();
  expect(hub.subscriptions().map((s) => s.callback)).toEqual([failing.url]);
});

test('a lapsed lease ends the subscription: no content is sent after it', async () => {
  await call(hub.url, { headers: FORM, body: form({ 'hub.mode': 'register', 'hub.topic': 'tokens' }) });
  const sub = await subscriber();
  await sub.subscribe(hub.url, 'tokens', { leaseSeconds: 30 });
  await hub.idle();
  await publishTo(hub.url, 'tokens', '"before"');
  await hub.idle();
  clock += 31_000;
  await publishTo(hub.url, 'tokens', '"after"');
  await hub.idle();
  expect(sub.received.map((r) => r.body)).toEqual(['"before"']);
  expect(hub.subscriptions()).toEqual([]);
});

test('with accepted tokens, calls need the cookie Authorization=<token>: 401 without, 403 with another', async () => {
  const guarded = await startWebsubHub({ acceptTokens: ['synthetic-token'], topics: ['tokens'], publishStatus: 202 });
  open.push(guarded);
  expect(await publishTo(guarded.url, 'tokens', '{}')).toEqual({ status: 401, reply: { 'hub.mode': 'denied', 'hub.reason': 'Authorization cookie is missing' } });
  expect((await publishTo(guarded.url, 'tokens', '{}', { cookie: 'Authorization=wrong' })).status).toBe(403);
  expect(await publishTo(guarded.url, 'tokens', '{}', { cookie: 'lang=en; Authorization=synthetic-token' })).toEqual({ status: 202, reply: { 'hub.mode': 'accepted' } });
  expect(guarded.publishes().map((p) => [p.authorized, p.outcome])).toEqual([
    [false, 'denied'],
    [false, 'denied'],
    [true, 'accepted'],
  ]);
});

test('held publishes stay unanswered until released; one whose caller went away is dropped', async () => {
  await call(hub.url, { headers: FORM, body: form({ 'hub.mode': 'register', 'hub.topic': 'tokens' }) });
  hub.holdPublishesAfter(1);
  expect((await publishTo(hub.url, 'tokens', '1')).reply['hub.mode']).toBe('accepted');
  const gone = new AbortController();
  const abandoned = fetch(`${hub.url}?hub.mode=publish&hub.topic=tokens`, { method: 'POST', body: '2', signal: gone.signal }).catch(() => 'aborted');
  const waiting = publishTo(hub.url, 'tokens', '3');
  for (let i = 0; i < 100 && hub.held < 2; i++) await new Promise((r) => setTimeout(r, 10));
  expect(hub.held).toBe(2);
  gone.abort();
  expect(await abandoned).toBe('aborted');
  for (let i = 0; i < 100 && hub.held > 1; i++) await new Promise((r) => setTimeout(r, 10));
  hub.release();
  expect((await waiting).reply['hub.mode']).toBe('accepted');
  expect(hub.publishes().map((p) => [p.body, p.outcome])).toEqual([
    ['1', 'accepted'],
    ['2', 'dropped'],
    ['3', 'accepted'],
  ]);
});
