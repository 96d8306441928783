import { demoOdkData, startOdkStandin, type RunningOdkStandin } from '../src/index.js';

const USER = { email: 'viewer@example.org', password: 'demo-password' };
const FEED = '/v1/projects/1/forms/registration.svc/Submissions';

let odk: RunningOdkStandin;
beforeAll(async () => {
  const demo = demoOdkData(5);
  odk = await startOdkStandin({
    ...demo,
    users: [...demo.users, { email: 'other@example.org', password: 'other-pass', projects: [2] }],
    forms: [...demo.forms, { projectId: 2, xmlFormId: 'other' }],
  });
});
afterAll(() => odk.close());
beforeEach(() => odk.clearRequests());

async function login(user = USER): Promise<string> {
  const res = await fetch(`${odk.url}/v1/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(user) });
  expect(res.status).toBe(200);
  return ((await res.json()) as { token: string }).token;
}
async function get(path: string, token?: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${odk.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, body: await res.json() };
}

describe('ODK Central stand-in', () => {
  it('creates a session like Central and refuses bad credentials with 401.2', async () => {
    const res = await fetch(`${odk.url}/v1/sessions`, { method: 'POST', body: JSON.stringify(USER) });
    const body = (await res.json()) as Record<string, string>;
    expect(Object.keys(body).sort()).toEqual(['createdAt', 'expiresAt', 'token']);
    expect(Date.parse(body.expiresAt!) - Date.parse(body.createdAt!)).toBe(24 * 3600 * 1000);
    const bad = await fetch(`${odk.url}/v1/sessions`, { method: 'POST', body: JSON.stringify({ ...USER, password: 'nope' }) });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toEqual({ code: 401.2, message: 'Could not authenticate with the provided credentials.' });
  });

  it('serves Central-shaped rows, newest first, groups nested and repeats as navigation links', async () => {
    const { status, body } = await get(FEED, await login());
    expect(status).toBe(200);
    expect(body['@odata.context']).toBe(`${odk.url}/v1/projects/1/forms/registration.svc/$metadata#Submissions`);
    expect(body.value).toHaveLength(5);
    const row = body.value[0];
    expect(row.__id).toBe('uuid:00000000-0000-4000-8000-000000000005');
    expect(row.meta).toEqual({ instanceID: row.__id });
    expect(row.person).toEqual({ name: expect.any(String), gender: expect.any(String), dob: expect.any(String) });
    expect(row['household@odata.navigationLink']).toBe(`Submissions('${row.__id}')/household`);
    expect(row.__system).toMatchObject({ submissionDate: '2024-01-01T04:00:00.000Z', submitterId: '5', reviewState: null, status: null });
    expect(body['@odata.nextLink']).toBeUndefined();
  });

  it('pages with $top and an absolute nextLink holding $skiptoken and the other options', async () => {
    const token = await login();
    const first = await get(`${FEED}?$top=2&$count=true`, token);
    expect(first.body['@odata.count']).toBe(5);
    expect(first.body.value.map((r: any) => r.__id.slice(-1))).toEqual(['5', '4']);
    const next = new URL(first.body['@odata.nextLink']);
    expect(next.origin).toBe(odk.url);
    expect(next.searchParams.get('$top')).toBe('2');
    expect(next.searchParams.get('$count')).toBe('true');
    const second = await get(next.pathname + next.search, token);
    expect(second.body.value.map((r: any) => r.__id.slice(-1))).toEqual(['3', '2']);
    const third = await get(new URL(second.body['@odata.nextLink']).pathname + new URL(second.body['@odata.nextLink']).search, token);
    expect(third.body.value.map((r: any) => r.__id.slice(-1))).toEqual(['1']);
    expect(third.body['@odata.nextLink']).toBeUndefined();
    expect((await get(`${FEED}?$top=2&$skip=4`, token)).body.value).toHaveLength(1);
  });

  it('filters on __system/submissionDate with ge/lt joined by and', async () => {
    const token = await login();
    const f = encodeURIComponent('__system/submissionDate ge 2024-01-01T01:00:00.000Z and __system/submissionDate lt 2024-01-01T03:00:00.000Z');
    const { body } = await get(`${FEED}?$filter=${f}&$count=true`, token);
    expect(body.value.map((r: any) => r.__system.submissionDate)).toEqual(['2024-01-01T02:00:00.000Z', '2024-01-01T01:00:00.000Z']);
    expect(body['@odata.count']).toBe(2);
    const offset = encodeURIComponent('__system/submissionDate gt 2024-01-01T05:30:00+02:00');
    expect((await get(`${FEED}?$filter=${offset}`, token)).body.value).toHaveLength(1);
    const nested = encodeURIComponent("(__system/reviewState eq null or __id eq 'x') and not (__system/submissionDate lt 2024-01-01T04:00:00Z)");
    expect((await get(`${FEED}?$filter=${nested}`, token)).body.value).toHaveLength(1);
  });

  it.each([
    ['a function', 'year(__system/submissionDate) eq 2024'],
    ['a form field', "vid eq '1'"],
    ['garbage', '__system/submissionDate ge'],
  ])('answers 501.1 to an unsupported $filter (%s)', async (_name, filter) => {
    const { status, body } = await get(`${FEED}?$filter=${encodeURIComponent(filter)}`, await login());
    expect(status).toBe(501);
    expect(body.code).toBe(501.1);
  });

  describe('$orderby, as Central 2024.1+ answers it', () => {
    const ids = (body: any) => body.value.map((r: any) => r.__id.slice(-1));
    const q = (orderby: string, rest = '') => `${FEED}?$orderby=${encodeURIComponent(orderby)}${rest}`;

    it('sorts on the filterable fields, asc or desc (any case, default asc), ties in insertion order', async () => {
      const token = await login();
      expect(ids((await get(q('__system/submissionDate asc'), token)).body)).toEqual(['1', '2', '3', '4', '5']);
      expect(ids((await get(q('__system/submissionDate DESC'), token)).body)).toEqual(['5', '4', '3', '2', '1']);
      expect(ids((await get(q('$root/Submissions/__id'), token)).body)).toEqual(['1', '2', '3', '4', '5']);
      // every submitterId is '5': the insertion order breaks the tie, in the first key's direction
      expect(ids((await get(q('__system/submitterId desc'), token)).body)).toEqual(['5', '4', '3', '2', '1']);
      expect(ids((await get(q('__system/submitterId asc, __system/submissionDate desc'), token)).body)).toEqual(['5', '4', '3', '2', '1']);
    });

    it('puts nulls first ascending and last descending', async () => {
      const own = await startOdkStandin({
        users: [USER],
        forms: [{ xmlFormId: 'f' }],
        submissions: [null, 'approved', 'rejected'].map((reviewState, i) => ({ xmlFormId: 'f', reviewState: reviewState as 'approved' | null, instanceId: `uuid:${i}`, fields: {} })),
      });
      try {
        const token = ((await (await fetch(`${own.url}/v1/sessions`, { method: 'POST', body: JSON.stringify(USER) })).json()) as { token: string }).token;
        const states = async (dir: string) => {
          const res = await fetch(`${own.url}/v1/projects/1/forms/f.svc/Submissions?$orderby=${encodeURIComponent(`__system/reviewState ${dir}`)}`, { headers: { authorization: `Bearer ${token}` } });
          return ((await res.json()) as any).value.map((r: any) => r.__system.reviewState);
        };
        expect(await states('asc')).toEqual([null, 'approved', 'rejected']);
        expect(await states('desc')).toEqual(['rejected', 'approved', null]);
      } finally {
        await own.close();
      }
    });

    it.each([
      ['a form field', 'vid asc', 'vid'],
      ['an unknown direction', '__id upward', 'upward'],
      ['an empty key', '__id,', ''],
    ])('answers 501.5 to %s', async (_name, orderby, text) => {
      const { status, body } = await get(q(orderby), await login());
      expect([status, body]).toEqual([501, { code: 501.5, message: `The given OData filter expression references fields not supported by this server: ${text}` }]);
    });

    it('pages with $skip; its nextLink carries $skiptoken, which Central refuses together with $orderby (501.1)', async () => {
      const token = await login();
      const first = await get(q('__system/submissionDate asc', '&$top=2'), token);
      expect(ids(first.body)).toEqual(['1', '2']);
      const next = new URL(first.body['@odata.nextLink']);
      expect([next.searchParams.get('$orderby'), next.searchParams.has('$skiptoken')]).toEqual(['__system/submissionDate asc', true]);
      expect(await get(next.pathname + next.search, token)).toEqual({
        status: 501,
        body: expect.objectContaining({ code: 501.1, message: 'The requested feature using $orderby and $skiptoken together is not supported by this server.' }),
      });
      expect(ids((await get(q('__system/submissionDate asc', '&$top=2&$skip=2'), token)).body)).toEqual(['3', '4']);
      // Central counts the rows left without $skip: the last page still links on
      const last = await get(q('__system/submissionDate asc', '&$top=2&$skip=4'), token);
      expect(ids(last.body)).toEqual(['5']);
      expect(last.body['@odata.nextLink']).toEqual(expect.any(String));
    });
  });

  it('answers 403.1 without a token, 401.2 with a bad one, 404.1 for unknown forms, 403.1 without project rights', async () => {
    expect(await get(FEED)).toEqual({ status: 403, body: expect.objectContaining({ code: 403.1 }) });
    expect(await get(FEED, 'not-a-token')).toEqual({ status: 401, body: expect.objectContaining({ code: 401.2 }) });
    const token = await login();
    expect(await get('/v1/projects/1/forms/nope.svc/Submissions', token)).toEqual({ status: 404, body: expect.objectContaining({ code: 404.1 }) });
    expect(await get('/v1/projects/9/forms/registration.svc/Submissions', token)).toEqual({ status: 404, body: expect.objectContaining({ code: 404.1 }) });
    const other = await login({ email: 'other@example.org', password: 'other-pass' });
    expect((await get(FEED, other)).status).toBe(403);
    expect((await get('/v1/projects/2/forms/other.svc/Submissions', other)).status).toBe(200);
  });

  it('serves the service document at .svc', async () => {
    const { body } = await get('/v1/projects/1/forms/registration.svc', await login());
    expect(body.value).toEqual([{ name: 'Submissions', kind: 'EntitySet', url: 'Submissions' }]);
  });

  it('logs out with DELETE /v1/sessions/current and records every request without secrets', async () => {
    const before = odk.activeSessions();
    const token = await login();
    expect(odk.activeSessions()).toBe(before + 1);
    const res = await fetch(`${odk.url}/v1/sessions/current`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(odk.activeSessions()).toBe(before);
    expect((await get(FEED, token)).status).toBe(401);
    const reqs = odk.requests();
    expect(reqs.map((r) => [r.method, r.path, r.status])).toEqual([
      ['POST', '/v1/sessions', 200],
      ['DELETE', '/v1/sessions/current', 200],
      ['GET', FEED, 401],
    ]);
    expect(reqs[1]).toMatchObject({ authorized: true, user: USER.email });
    expect(JSON.stringify(reqs)).not.toContain(token);
    expect(JSON.stringify(reqs)).not.toContain(USER.password);
  });

  it('plays injected faults once, then answers normally', async () => {
    const token = await login();
    odk.injectFault({ path: FEED, status: 502, rawBody: '<html>Bad Gateway</html>' });
    const res = await fetch(`${odk.url}${FEED}`, { headers: { authorization: `Bearer ${token}` } });
    expect([res.status, await res.text()]).toEqual([502, '<html>Bad Gateway</html>']);
    expect((await get(FEED, token)).status).toBe(200);
  });

  it('takes new submissions while running', async () => {
    odk.addSubmissions([{ projectId: 2, xmlFormId: 'other', fields: { 'first-name': 'X', '1st': 'y' } }]);
    const { body } = await get('/v1/projects/2/forms/other.svc/Submissions', await login({ email: 'other@example.org', password: 'other-pass' }));
    expect(body.value).toHaveLength(1);
    expect(body.value[0]).toMatchObject({ first_name: 'X', _1st: 'y' });
  });
});
