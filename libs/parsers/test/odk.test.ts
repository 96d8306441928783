import { demoOdkData, startOdkStandin, type RunningOdkStandin } from '@mts/odk-standin';
import { validateEnvelope, type OdkConfig } from '@mts/envelope';
import { OdkError, planOdkPull, pullOdkSubmissions, type ParsedRecord } from '../src/index.js';
import { collect, dataOf } from './helpers.js';

let odk: RunningOdkStandin;
let config: OdkConfig;
const PASSWORD = 'demo-password';

beforeAll(async () => {
  odk = await startOdkStandin(demoOdkData(7)); // submitted hourly from 2024-01-01T00:00Z, served newest first
  config = { baseurl: odk.url, projectid: '1', formid: 'registration', email: 'viewer@example.org', password: PASSWORD };
});
afterAll(() => odk.close());
beforeEach(() => odk.clearRequests());

const pull = (extra: Partial<OdkConfig> = {}, options = {}) => collect(pullOdkSubmissions({ ...config, ...extra }, options));
const dates = (recs: ParsedRecord[]) => dataOf(recs).map((d) => (d.__system as { submissionDate: string }).submissionDate.slice(11, 13));
const feedCalls = () => odk.requests().filter((r) => r.path.endsWith('/Submissions'));
const expectLoggedOut = () => {
  const last = odk.requests().at(-1)!;
  expect([last.method, last.path, last.status]).toEqual(['DELETE', '/v1/sessions/current', 200]);
  expect(odk.activeSessions()).toBe(0);
};

async function failure(promise: Promise<unknown>): Promise<OdkError> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof OdkError) return e;
    throw e;
  }
  throw new Error('expected an OdkError');
}

describe('pullOdkSubmissions against the ODK Central stand-in', () => {
  it('pages through @odata.nextLink until it disappears, then logs out', async () => {
    const recs = await pull({}, { pageSize: 3 });
    expect(recs.map((r) => r.lineNo)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(dates(recs)).toEqual(['06', '05', '04', '03', '02', '01', '00']);
    const calls = feedCalls();
    expect(calls).toHaveLength(3);
    expect(calls[0]!.query).toEqual({ $top: '3' });
    expect(calls[1]!.query.$skiptoken).toEqual(expect.any(String));
    expect(odk.requests()[0]).toMatchObject({ method: 'POST', path: '/v1/sessions', status: 200 });
    expectLoggedOut();
  });

  it("order 'oldest-first' pages by $orderby and $skip (never Central's $skiptoken), ending on a short page", async () => {
    const recs = await pull({ startdate: '2024-01-01T00:00:00Z' }, { pageSize: 3, order: 'oldest-first' });
    expect(recs.map((r) => r.lineNo)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(dates(recs)).toEqual(['00', '01', '02', '03', '04', '05', '06']);
    expect(feedCalls().map((c) => [c.query.$orderby, c.query.$skip, c.query.$skiptoken, c.query.$top, c.status])).toEqual([
      ['__system/submissionDate asc', undefined, undefined, '3', 200],
      ['__system/submissionDate asc', '3', undefined, '3', 200],
      ['__system/submissionDate asc', '6', undefined, '3', 200],
    ]);
    expect(feedCalls().every((c) => c.query.$filter === '__system/submissionDate ge 2024-01-01T00:00:00.000Z')).toBe(true);
    expectLoggedOut();
  });

  it("an odataurl with its own $orderby pages by $skip too, since Central refuses its nextLink's $skiptoken with it", async () => {
    const odataurl = `${odk.url}/v1/projects/1/forms/registration.svc/Submissions?$orderby=__system/submissionDate desc`;
    const recs = await pull({ odataurl }, { pageSize: 4 });
    expect(dates(recs)).toEqual(['06', '05', '04', '03', '02', '01', '00']);
    expect(feedCalls().map((c) => [c.query.$orderby, c.query.$skip, c.status])).toEqual([
      ['__system/submissionDate desc', undefined, 200],
      ['__system/submissionDate desc', '4', 200],
    ]);
  });

  it("order 'oldest-first' on a Central before 2024.1 (501 to $orderby) reads it in Central's own order", async () => {
    odk.injectFault({ path: /\/Submissions$/, status: 501 });
    const recs = await pull({}, { pageSize: 3, order: 'oldest-first' });
    expect(dates(recs)).toEqual(['06', '05', '04', '03', '02', '01', '00']);
    const calls = feedCalls();
    expect(calls[0]).toMatchObject({ status: 501, query: { $orderby: '__system/submissionDate asc' } });
    expect(calls.slice(1).every((c) => c.status === 200 && c.query.$orderby === undefined)).toBe(true);
    expect(calls[2]!.query.$skiptoken).toEqual(expect.any(String));
    expectLoggedOut();
  });

  it('keeps an integer question holding a 16-digit id exact (JSON.parse would round it)', async () => {
    odk.injectFault({ path: /\/Submissions$/, status: 200, contentType: 'application/json', rawBody: '{"value":[{"__id":"uuid:1","vid":9007199254740993}]}' });
    expect(dataOf(await pull())).toEqual([{ __id: 'uuid:1', vid: '9007199254740993' }]);
  });

  it('keeps groups nested (dotted paths reach them) and adds dotted keys on request', async () => {
    const [plain] = dataOf(await pull({}, { pageSize: 1 }));
    expect(plain!.person).toEqual({ name: expect.any(String), gender: 'Female', dob: expect.any(String) });
    expect(plain!['person.name']).toBeUndefined();
    const [flat] = dataOf(await pull({}, { flatten: true }));
    expect(flat!['person.name']).toBe((flat!.person as { name: string }).name);
    expect(flat!['__system.submissionDate']).toBe('2024-01-01T06:00:00.000Z');
    expect(flat!['meta.instanceID']).toBe(flat!.__id);
  });

  it.each([
    ['both bounds', { startdate: '2024-01-01T02:00:00Z', enddate: '2024-01-01T05:00:00.000Z' }, ['04', '03', '02'],
      '__system/submissionDate ge 2024-01-01T02:00:00.000Z and __system/submissionDate lt 2024-01-01T05:00:00.000Z'],
    ['start alone', { startdate: '2024-01-01T05:00:00+00:00' }, ['06', '05'], '__system/submissionDate ge 2024-01-01T05:00:00.000Z'],
    ['end alone', { enddate: '2024-01-01 02:00' }, ['01', '00'], '__system/submissionDate lt 2024-01-01T02:00:00.000Z'],
    ['an offset', { startdate: '2024-01-01T10:30:00+05:00' }, ['06'], '__system/submissionDate ge 2024-01-01T05:30:00.000Z'],
  ])('filters on __system/submissionDate with %s', async (_name, window, expected, filter) => {
    const recs = await pull(window, { pageSize: 2 });
    expect(dates(recs)).toEqual(expected);
    for (const call of feedCalls()) expect(call.query.$filter).toBe(filter);
    expectLoggedOut();
  });

  it('uses odataurl verbatim, and reads Submissions under a .svc service URL instead of its entity sets', async () => {
    const svc = `${odk.url}/v1/projects/1/forms/registration.svc`;
    expect(await pull({ projectid: '', formid: '', odataurl: svc })).toHaveLength(7);
    expect(feedCalls()[0]!.path).toBe('/v1/projects/1/forms/registration.svc/Submissions');
    odk.clearRequests();
    const recs = await pull({ odataurl: `${svc}/Submissions?$top=4`, startdate: '2024-01-01T03:00:00Z' }, { pageSize: 1 });
    expect(dates(recs)).toEqual(['06', '05', '04', '03']);
    expect(feedCalls()[0]!.query).toEqual({ $top: '4', $filter: '__system/submissionDate ge 2024-01-01T03:00:00.000Z' });
  });

  it('follows nextLink by its query only, on our own feed URL, when Central reports another domain', async () => {
    const proxied = await startOdkStandin({ ...demoOdkData(3), publicUrl: 'https://odk.elsewhere.example' });
    try {
      const recs = await collect(pullOdkSubmissions({ ...config, baseurl: proxied.url }, { pageSize: 2 }));
      expect(recs).toHaveLength(3);
      expect(proxied.requests().filter((r) => r.path.endsWith('/Submissions'))).toHaveLength(2);
    } finally {
      await proxied.close();
    }
  });

  it('throws ODK_NO_SUBMISSIONS (MTS ATS-REQ-023) for an empty window, or ends quietly with allowEmpty', async () => {
    const e = await failure(pull({ startdate: '2030-01-01' }));
    expect([e.code, e.mtsCode, e.retryable]).toEqual(['ODK_NO_SUBMISSIONS', 'ATS-REQ-023', false]);
    expectLoggedOut();
    expect(await pull({ startdate: '2030-01-01' }, { allowEmpty: true })).toEqual([]);
  });

  it('turns a refused login into ODK_AUTH_FAILED (401.2) with no credentials in the error', async () => {
    const e = await failure(pull({ password: 'Wrong-Secret-123' }));
    expect([e.code, e.status, e.odkCode]).toEqual(['ODK_AUTH_FAILED', 401, 401.2]);
    expect(`${e.message} ${JSON.stringify(e)} ${String(e.stack)}`).not.toMatch(/Wrong-Secret-123|viewer@example\.org/);
    expect(odk.requests().map((r) => r.path)).toEqual(['/v1/sessions']); // nothing to log out of
  });

  it.each([
    ['404.1 for an unknown form', { formid: 'nope' }, {}, ['ODK_NOT_FOUND', 404, 404.1, false]],
    ['500 with an HTML body', {}, { status: 500, rawBody: '<h1>oops</h1>' }, ['ODK_SERVER_ERROR', 500, undefined, true]],
    ['503 problem', {}, { status: 503 }, ['ODK_SERVER_ERROR', 503, 503.1, true]],
    ['403.1', {}, { status: 403 }, ['ODK_FORBIDDEN', 403, 403.1, false]],
    ['501.1', {}, { status: 501 }, ['ODK_NOT_IMPLEMENTED', 501, 501.1, false]],
    ['200 that is not JSON', {}, { status: 200, rawBody: 'not json' }, ['ODK_BAD_RESPONSE', 200, undefined, false]],
    ['200 without value[]', {}, { status: 200, body: { nope: 1 } }, ['ODK_BAD_RESPONSE', undefined, undefined, false]],
  ])('maps %s to an OdkError and still logs out', async (_name, extra, fault, [code, status, odkCode, retryable]) => {
    if (Object.keys(fault).length) odk.injectFault({ path: /\/Submissions$/, ...fault });
    const e = await failure(pull(extra));
    expect([e.code, e.status, e.odkCode, e.retryable]).toEqual([code, status, odkCode, retryable]);
    expectLoggedOut();
  });

  it('times out a silent server with ODK_TIMEOUT (retryable) and still logs out', async () => {
    odk.injectFault({ path: /\/Submissions$/, delayMs: 5_000 });
    const e = await failure(pull({}, { timeoutMs: 100 }));
    expect([e.code, e.retryable]).toEqual(['ODK_TIMEOUT', true]);
    expectLoggedOut();
  });

  it('accepts a numeric projectid, as MTS does', async () => {
    expect(await pull({ projectid: 1 })).toHaveLength(7);
  });

  it('refuses to follow a redirect of the login (it would re-send the password)', async () => {
    odk.injectFault({ path: '/v1/sessions', status: 307, rawBody: '' });
    const e = await failure(pull());
    expect([e.code, e.status]).toEqual(['ODK_REQUEST_REJECTED', 307]);
  });

  it('reports a dropped connection as ODK_NETWORK (retryable)', async () => {
    odk.injectFault({ path: '/v1/sessions', destroy: true });
    const e = await failure(pull());
    expect([e.code, e.retryable]).toEqual(['ODK_NETWORK', true]);
  });

  it('stops a pull cancelled through its signal, and still logs out', async () => {
    const controller = new AbortController();
    odk.injectFault({ path: /\/Submissions$/, delayMs: 5_000 });
    setTimeout(() => controller.abort(), 50);
    const e = await failure(pull({}, { signal: controller.signal }));
    expect([e.code, e.retryable]).toEqual(['ODK_NETWORK', false]);
    expectLoggedOut();
  });

  it('logs out when the consumer stops early', async () => {
    for await (const rec of pullOdkSubmissions(config, { pageSize: 2 })) {
      expect(rec.lineNo).toBe(1);
      break;
    }
    expect(feedCalls()).toHaveLength(1);
    expectLoggedOut();
  });

  it('reports a non-object element per record and goes on', async () => {
    const fake: typeof fetch = async (url, init) => {
      if (String(url).endsWith('/sessions')) return Response.json({ token: 't' });
      if (init?.method === 'DELETE') return Response.json({ success: true });
      return Response.json({ value: [{ a: 1 }, 'x', { b: 2 }] });
    };
    const recs = await pull({}, { fetch: fake });
    expect(recs).toEqual([
      { lineNo: 1, data: { a: 1 } },
      { lineNo: 2, error: { code: 'ODK_NOT_OBJECT', message: expect.any(String) } },
      { lineNo: 3, data: { b: 2 } },
    ]);
  });

  it('reports a submission nested past the depth limit as ODK_RECORD_TOO_DEEP and goes on', async () => {
    const deep = `{"x":${'['.repeat(6000)}${']'.repeat(6000)}}`;
    const fake: typeof fetch = async (url, init) => {
      if (String(url).endsWith('/sessions')) return Response.json({ token: 't' });
      if (init?.method === 'DELETE') return Response.json({ success: true });
      return new Response(`{"value":[{"a":1},${deep},{"b":2}]}`, { headers: { 'content-type': 'application/json' } });
    };
    const recs = await pull({}, { fetch: fake, flatten: true });
    expect(recs).toEqual([
      { lineNo: 1, data: { a: 1 } },
      { lineNo: 2, error: { code: 'ODK_RECORD_TOO_DEEP', message: expect.any(String) } },
      { lineNo: 3, data: { b: 2 } },
    ]);
  });

  it('stops on a nextLink that loops', async () => {
    const fake: typeof fetch = async (url, init) => {
      if (String(url).endsWith('/sessions')) return Response.json({ token: 't' });
      if (init?.method === 'DELETE') return Response.json({ success: true });
      return Response.json({ value: [{ a: 1 }], '@odata.nextLink': 'http://x/Submissions?$skiptoken=same' });
    };
    expect((await failure(pull({}, { fetch: fake }))).code).toBe('ODK_BAD_RESPONSE');
  });
});

describe('planOdkPull', () => {
  const ok: OdkConfig = { baseurl: 'https://odk.example.org/', email: 'e@example.org', password: 'p', projectid: '1', formid: 'f' };

  it.each([
    [{ baseurl: '' }, 'ODK_CONFIG_BASEURL', 'ATS-REQ-018'],
    [{ email: '' }, 'ODK_CONFIG_EMAIL', 'ATS-REQ-019'],
    [{ password: '' }, 'ODK_CONFIG_PASSWORD', 'ATS-REQ-020'],
    [{ projectid: '' }, 'ODK_CONFIG_PROJECTID', 'ATS-REQ-021'],
    [{ formid: undefined }, 'ODK_CONFIG_FORMID', 'ATS-REQ-022'],
    [{ baseurl: 'odk.example.org' }, 'ODK_CONFIG_BASEURL', 'ATS-REQ-018'], // not an http(s) URL: refused by the envelope's one check
    [{ baseurl: 'https://user:pw@odk.example.org' }, 'ODK_CONFIG_INVALID', undefined],
    [{ startdate: 'yesterday' }, 'ODK_CONFIG_INVALID', undefined],
    [{ enddate: '2024-02-30T00:00:00Z' }, 'ODK_CONFIG_INVALID', undefined],
  ])('rejects %j with %s', (patch, code, mtsCode) => {
    let caught: unknown;
    try {
      planOdkPull({ ...ok, ...patch } as OdkConfig);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(OdkError);
    expect([(caught as OdkError).code, (caught as OdkError).mtsCode]).toEqual([code, mtsCode]);
    expect((caught as OdkError).message).not.toContain('pw');
  });

  it('agrees with the envelope check: a numeric projectid/formid passes both (MTS coerces 5 to "5")', () => {
    const numeric = { ...ok, projectid: 5, formid: 7 };
    const envelope = { id: 'x', version: 'v', metadata: 'm', requesttime: '2024-05-01T10:20:30.123Z', request: { output: 'json', deliverytype: 'download', odkconfig: numeric } };
    expect(validateEnvelope('odk', envelope)).toEqual([]);
    expect(planOdkPull(numeric).feedUrl).toBe('https://odk.example.org/v1/projects/5/forms/7.svc/Submissions');
  });

  it('fails a missing config with ODK_CONFIG_BASEURL (a direct caller without types)', () => {
    expect(() => planOdkPull(null as never)).toThrow(expect.objectContaining({ code: 'ODK_CONFIG_BASEURL', mtsCode: 'ATS-REQ-018' }));
  });

  it('builds the session, logout and feed URLs, with version and a path prefix', () => {
    const plan = planOdkPull({ ...ok, baseurl: 'https://host.example/central/', version: 'v1', formid: 'my form' }, 100);
    expect(plan.sessionUrl).toBe('https://host.example/central/v1/sessions');
    expect(plan.logoutUrl).toBe('https://host.example/central/v1/sessions/current');
    expect(plan.feedUrl).toBe('https://host.example/central/v1/projects/1/forms/my%20form.svc/Submissions');
    expect(plan.firstQuery.get('$top')).toBe('100');
    expect(plan.firstQuery.has('$filter')).toBe(false);
  });
});
