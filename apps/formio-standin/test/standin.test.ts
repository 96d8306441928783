import { DEMO_API_KEY, DEMO_FORM_ID, DEMO_USER, demoFormioData, peopleFromIdentities, startFormioStandin, type RunningFormioStandin } from '../src/index.js';

const LIST = '/registration/submission';
let formio: RunningFormioStandin;
let now = Date.UTC(2024, 5, 1);
const demo = demoFormioData({ count: 12 });

beforeAll(async () => {
  formio = await startFormioStandin({
    ...demo,
    users: [...demo.users, { email: 'limited@example.org', password: 'other-pass', forms: ['empty'] }],
    tokenTtlMs: 60_000,
    now: () => new Date(now),
  });
});
afterAll(() => formio.close());
beforeEach(() => formio.clearRequests());

async function login(user: { email: string; password: string } = DEMO_USER): Promise<string> {
  const res = await fetch(`${formio.url}/user/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ data: user }) });
  expect(res.status).toBe(200);
  return res.headers.get('x-jwt-token')!;
}
async function list(query: string, headers: Record<string, string>, path = LIST) {
  const res = await fetch(`${formio.url}${path}${query}`, { headers });
  const text = await res.text();
  return { status: res.status, range: res.headers.get('content-range'), token: res.headers.get('x-jwt-token'), text, body: res.headers.get('content-type')?.startsWith('application/json') ? JSON.parse(text) : undefined };
}

describe('Form.io stand-in', () => {
  it('logs in with {data:{email,password}}: the JWT comes in the x-jwt-token header, the user in the body', async () => {
    const res = await fetch(`${formio.url}/user/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ data: DEMO_USER }) });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-jwt-token')).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(await res.json()).toMatchObject({ _id: expect.stringMatching(/^[0-9a-f]{24}$/), data: { email: DEMO_USER.email } });
    const bad = await fetch(`${formio.url}/user/login`, { method: 'POST', body: JSON.stringify({ data: { ...DEMO_USER, password: 'nope' } }) });
    expect([bad.status, await bad.text(), bad.headers.get('x-jwt-token')]).toEqual([401, 'User or password was incorrect', null]);
    const shapeless = await fetch(`${formio.url}/user/login`, { method: 'POST', body: JSON.stringify(DEMO_USER) });
    expect([shapeless.status, await shapeless.text()]).toEqual([401, 'User or password was incorrect.']);
  });

  it('lists by path and by form id; 206 with Content-Range while the page is not everything (the last page too), 200 when it is', async () => {
    const token = await login();
    const first = await list('?limit=5&sort=created,_id', { 'x-jwt-token': token });
    expect([first.status, first.range, first.body.length]).toEqual([206, '0-4/12', 5]);
    expect(first.token).toMatch(/\./); // a refreshed token on every authenticated answer
    const last = await list('?limit=5&skip=10&sort=created,_id', { 'x-jwt-token': token });
    expect([last.status, last.range, last.body.length]).toEqual([206, '10-11/12', 2]);
    const all = await list('?limit=100', { 'x-jwt-token': token }, `/form/${DEMO_FORM_ID}/submission`);
    expect([all.status, all.range, all.body.length]).toEqual([200, '0-11/12', 12]);
    const past = await list('?limit=5&skip=12', { 'x-jwt-token': token });
    expect([past.status, past.range, past.body]).toEqual([416, '*/12', []]);
    const none = await list('', { 'x-jwt-token': token }, '/empty/submission');
    expect([none.status, none.range, none.body]).toEqual([200, '*/0', []]);
    expect((await list('', { 'x-jwt-token': token })).body).toHaveLength(10); // resourcejs' default limit
  });

  it('serves Form.io-shaped submissions, drafts included, with containers as objects and grids as arrays', async () => {
    const { body } = await list('?limit=100&sort=created,_id', { 'x-token': DEMO_API_KEY });
    const item = body[0];
    expect(Object.keys(item).sort()).toEqual(['_id', 'access', 'created', 'data', 'externalIds', 'form', 'metadata', 'modified', 'owner', 'roles', 'state'].sort());
    expect(item).toMatchObject({ form: DEMO_FORM_ID, state: 'submitted', data: { applicant: { fullName: expect.any(String) }, addresses: [expect.any(Object)] } });
    expect(body.filter((s: { state: string }) => s.state === 'draft')).toHaveLength(2);
  });

  it('sorts on created with _id as tie-break, and filters created with gte/lt (dates as resourcejs parses them)', async () => {
    const key = { 'x-token': DEMO_API_KEY };
    const byCreated = (await list('?limit=100&sort=created', key)).body.map((s: { _id: string }) => s._id);
    const withId = (await list('?limit=100&sort=created,_id', key)).body.map((s: { _id: string }) => s._id);
    expect(withId).toEqual([...withId].sort());
    expect(byCreated).not.toEqual(withId); // ties keep insertion order (newest first) without the tie-break
    const desc = (await list('?limit=100&sort=-created', key)).body.map((s: { created: string }) => s.created);
    expect(desc).toEqual([...desc].sort().reverse());
    const window = await list('?limit=100&created__gte=2024-01-01T02:00:00Z&created__lt=2024-01-01T04:00:00.000Z', key);
    expect(window.body.map((s: { created: string }) => s.created.slice(11, 13)).sort()).toEqual(['02', '02']);
    expect((await list('?limit=100&created__gte=2024-01-01', key)).body).toHaveLength(12);
    expect((await list('?limit=100&created__gt=not-a-date', key)).body).toEqual([]);
    expect((await list('?limit=100&state=draft', key)).body).toHaveLength(2);
    expect((await list('?limit=100&data.applicant.gender=Female', key)).body.length).toBeGreaterThan(0);
    const selected = (await list('?limit=1&sort=created,_id&select=created,data.applicant.gender', key)).body;
    expect(selected).toEqual([{ _id: withId[0], created: '2024-01-01T00:00:00.000Z', data: { applicant: { gender: 'Female' } } }]);
  });

  it("answers Form.io's token errors: 401 without credentials, 400 Bad Token, 440 Token Expired (after the TTL or expireTokens), 404 for an unknown form", async () => {
    expect(await list('', {})).toMatchObject({ status: 401, text: 'Unauthorized' });
    expect(await list('', { 'x-token': 'wrong-key' })).toMatchObject({ status: 401 });
    expect(await list('', { 'x-jwt-token': 'not.a.jwt' })).toMatchObject({ status: 400, text: 'Bad Token' });
    const token = await login();
    const forged = token.replace(/\.[\w-]+$/, '.AAAA');
    expect(await list('', { 'x-jwt-token': forged })).toMatchObject({ status: 400, text: 'Bad Token' });
    expect(await list('', { 'x-jwt-token': token }, '/nope/submission')).toMatchObject({ status: 404, text: 'Form not found.' });
    expect(await list('', { 'x-jwt-token': token }, '/form/f0f0000000000000000000ff/submission')).toMatchObject({ status: 404 });
    formio.expireTokens();
    expect(await list('', { 'x-jwt-token': token })).toMatchObject({ status: 440, text: 'Token Expired' });
    const fresh = await login();
    expect((await list('', { 'x-jwt-token': fresh })).status).toBe(206);
    now += 61_000; // past the 60 s TTL
    expect(await list('', { 'x-jwt-token': fresh })).toMatchObject({ status: 440, text: 'Token Expired' });
    const limited = await login({ email: 'limited@example.org', password: 'other-pass' });
    expect((await list('', { 'x-jwt-token': limited })).status).toBe(401);
    expect((await list('', { 'x-jwt-token': limited }, '/empty/submission')).status).toBe(200);
  });

  it('plays queued faults (failNext, delays, dropped sockets) and records requests without secrets', async () => {
    formio.failNext(2, { path: LIST });
    const key = { 'x-token': DEMO_API_KEY };
    expect((await list('', key)).status).toBe(503);
    expect((await list('', key)).status).toBe(503);
    expect((await list('', key)).status).toBe(206);
    formio.failNext(5);
    formio.clearFaults();
    formio.injectFault({ path: LIST, destroy: true });
    await expect(fetch(`${formio.url}${LIST}`, { headers: key })).rejects.toThrow();
    const token = await login();
    await list('?limit=2', { 'x-jwt-token': token });
    const reqs = formio.requests();
    expect(reqs.map((r) => [r.method, r.path, r.status, r.auth])).toEqual([
      ['GET', LIST, 503, 'none'],
      ['GET', LIST, 503, 'none'],
      ['GET', LIST, 206, 'apiKey'],
      ['GET', LIST, 0, 'none'],
      ['POST', '/user/login', 200, 'jwt'],
      ['GET', LIST, 206, 'jwt'],
    ]);
    expect(reqs.at(-1)!.query).toEqual({ limit: '2' });
    const text = JSON.stringify(reqs);
    for (const secret of [token, DEMO_API_KEY, DEMO_USER.password]) expect(text).not.toContain(secret);
  });

  it('expires every issued token after a given number of listings, and can answer listings slowly', async () => {
    const token = await login();
    formio.expireTokensAfter(1);
    expect((await list('', { 'x-jwt-token': token })).status).toBe(206);
    expect(await list('', { 'x-jwt-token': token })).toMatchObject({ status: 440, text: 'Token Expired' });
    expect((await list('', { 'x-jwt-token': await login() })).status).toBe(206); // once only
    formio.setLatency(2000);
    await expect(fetch(`${formio.url}${LIST}`, { headers: { 'x-token': DEMO_API_KEY }, signal: AbortSignal.timeout(50) })).rejects.toThrow();
    formio.setLatency(0);
  });

  it('builds demo people from an IDA sandbox identities file (activated, not locked)', () => {
    const identity = (uin: string, extra = {}) => ({
      uin,
      status: 'ACTIVATED',
      demoAuthLocked: false,
      vids: [],
      attributes: { fullName: [{ language: 'eng', value: 'Amara Okafor' }], gender: [{ language: 'eng', value: 'Female' }], dateOfBirth: '1990/01/02', city: [{ language: 'eng', value: 'Fes' }], postalCode: '12000' },
      ...extra,
    });
    const people = peopleFromIdentities({ identities: [identity('1'), identity('2', { status: 'DEACTIVATED' }), identity('3', { demoAuthLocked: true })] });
    expect(people).toEqual([{ vid: '1', firstName: 'Amara', lastName: 'Okafor', gender: 'Female', dob: '1990/01/02', city: 'Fes', postalCode: '12000' }]);
    const data = demoFormioData({ count: 2, people }).submissions.map((s) => s.data as Record<string, any>);
    expect(data[1]).toMatchObject({ vid: '1', applicant: { fullName: 'Amara Okafor', dateOfBirth: '1990/01/02' }, addresses: [{ city: 'Fes', postalCode: '12000' }] });
  });
});
