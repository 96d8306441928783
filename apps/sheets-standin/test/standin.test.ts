import { createSign, generateKeyPairSync } from 'node:crypto';
import { demoSheetsData, JWT_BEARER, startSheetsStandin, syntheticPeople, type RunningSheetsStandin } from '../src/index.js';

const account = generateKeyPairSync('rsa', { modulusLength: 1024 });
const other = generateKeyPairSync('rsa', { modulusLength: 1024 });
const EMAIL = 'sa@synthetic.iam.gserviceaccount.com';
const SCOPE = 'https://www.googleapis.com/auth/spreadsheets.readonly';
let s: RunningSheetsStandin;

beforeAll(async () => {
  s = await startSheetsStandin({
    spreadsheets: [
      { spreadsheetId: 'pub', public: true, sheets: [{ title: 'My Sheet', rows: [['a', 'b', ''], ['1', '', null], [], ['x', 2, false], [], []], rowCount: 10, columnCount: 3 }] },
      { spreadsheetId: 'priv', sharedWith: [EMAIL], sheets: [{ title: 'S', rows: [['h'], ['v']] }] },
    ],
    apiKeys: ['k1'],
    serviceAccounts: [{ clientEmail: EMAIL, publicKey: account.publicKey.export({ type: 'spki', format: 'pem' }) as string }],
  });
});
afterAll(() => s.close());

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
function jwt(claims: Record<string, unknown>, key = account.privateKey, alg = 'RS256'): string {
  const input = `${b64({ alg, typ: 'JWT' })}.${b64(claims)}`;
  return `${input}.${createSign('RSA-SHA256').update(input).sign(key, 'base64url')}`;
}
const nowS = () => Math.floor(Date.now() / 1000);
const claims = (extra: Record<string, unknown> = {}) => ({ iss: EMAIL, scope: SCOPE, aud: s.tokenUrl, iat: nowS(), exp: nowS() + 3600, ...extra });
async function token(assertion: string, grantType = JWT_BEARER): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(s.tokenUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: grantType, assertion }) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
async function get(path: string, auth: { key?: string; bearer?: string } = { key: 'k1' }): Promise<{ status: number; body: Record<string, unknown> }> {
  const u = new URL(`${s.url}${path}`);
  if (auth.key) u.searchParams.set('key', auth.key);
  const res = await fetch(u, { headers: auth.bearer ? { authorization: `Bearer ${auth.bearer}` } : {} });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
const values = (range: string, q = '', auth?: { key?: string; bearer?: string }) => get(`/v4/spreadsheets/pub/values/${encodeURIComponent(range)}${q}`, auth);

describe('values.get', () => {
  it('drops trailing empty cells and rows, keeps inner empty rows, formats values', async () => {
    expect(await values("'My Sheet'!A1:C10")).toEqual({
      status: 200,
      body: { range: "'My Sheet'!A1:C10", majorDimension: 'ROWS', values: [['a', 'b'], ['1'], [], ['x', '2', 'FALSE']] },
    });
    expect((await values('A4:C4', '?valueRenderOption=UNFORMATTED_VALUE')).body.values).toEqual([['x', 2, false]]);
    expect((await values('A1:B4', '?majorDimension=COLUMNS')).body.values).toEqual([['a', '1', '', 'x'], ['b', '', '', '2']]);
    expect(await values("'My Sheet'!A5:C10")).toEqual({ status: 200, body: { range: "'My Sheet'!A5:C10", majorDimension: 'ROWS' } });
  });

  it('answers in Google error shapes: bad range, grid limits, unknown id, credentials', async () => {
    expect(await values('Nope!A1:B2')).toEqual({ status: 400, body: { error: { code: 400, message: 'Unable to parse range: Nope!A1:B2', status: 'INVALID_ARGUMENT' } } });
    expect((await values("'My Sheet'!A1:C11")).body.error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT', message: expect.stringContaining('exceeds grid limits') });
    expect((await get('/v4/spreadsheets/none/values/A1')).body.error).toMatchObject({ code: 404, status: 'NOT_FOUND' });
    expect((await values('A1', '', { key: 'bad' })).body.error).toMatchObject({ code: 400, details: [expect.objectContaining({ reason: 'API_KEY_INVALID' })] });
    expect((await values('A1', '', {})).body.error).toMatchObject({ code: 403, status: 'PERMISSION_DENIED' });
    expect((await get('/v4/spreadsheets/priv/values/A1')).body.error).toMatchObject({ code: 403, status: 'PERMISSION_DENIED', message: 'The caller does not have permission' });
    expect((await values('A1', '', { bearer: 'ya29.forged' })).body.error).toMatchObject({ code: 401, status: 'UNAUTHENTICATED' });
  });

  it('spreadsheets.get lists the sheets with their grid size', async () => {
    const { body } = await get('/v4/spreadsheets/pub?fields=sheets.properties');
    expect(body.sheets).toEqual([{ properties: { sheetId: 0, title: 'My Sheet', index: 0, sheetType: 'GRID', gridProperties: { rowCount: 10, columnCount: 3 } } }]);
  });
});

describe('the token endpoint (service accounts)', () => {
  it('issues a bearer token for a valid signed JWT; the token reads the sheets shared with the account until expired', async () => {
    const before = s.tokensIssued();
    const { status, body } = await token(jwt(claims()));
    expect(status).toBe(200);
    expect(body).toEqual({ access_token: expect.stringMatching(/^ya29\./), expires_in: 3599, token_type: 'Bearer' });
    expect(s.tokensIssued()).toBe(before + 1);
    const bearer = body.access_token as string;
    expect((await get('/v4/spreadsheets/priv/values/A1:A2', { bearer })).body.values).toEqual([['h'], ['v']]);
    expect((await get('/v4/spreadsheets/pub/values/A1:A1', { bearer })).status).toBe(200); // public: anyone
    s.expireTokens();
    expect((await get('/v4/spreadsheets/priv/values/A1:A2', { bearer })).status).toBe(401);
  });

  it.each([
    ['a wrong signature', () => jwt(claims(), other.privateKey), 'invalid_grant', 'Invalid JWT Signature.'],
    ['an unknown account', () => jwt(claims({ iss: 'who@x.iam.gserviceaccount.com' })), 'invalid_grant', 'Invalid grant: account not found'],
    ['another audience', () => jwt(claims({ aud: 'https://oauth2.googleapis.com/token' })), 'invalid_grant', expect.stringContaining('aud')],
    ['an expired JWT', () => jwt(claims({ iat: nowS() - 7200, exp: nowS() - 3600 })), 'invalid_grant', expect.stringContaining('short-lived')],
    ['a lifetime over an hour', () => jwt(claims({ exp: nowS() + 7200 })), 'invalid_grant', expect.stringContaining('short-lived')],
    ['no sheets scope', () => jwt(claims({ scope: 'https://www.googleapis.com/auth/drive' })), 'invalid_scope', expect.any(String)],
    ['HS256', () => jwt(claims(), account.privateKey, 'HS256'), 'invalid_grant', expect.stringContaining('RS256')],
  ])('refuses %s with 400', async (_name, assertion, error, description) => {
    expect(await token(assertion())).toEqual({ status: 400, body: { error, error_description: description } });
  });

  it('refuses another grant type', async () => {
    expect((await token(jwt(claims()), 'client_credentials')).body.error).toBe('unsupported_grant_type');
  });
});

describe('faults, records and demo data', () => {
  it('fails the next N matching requests, and records requests without keys', async () => {
    s.clearRequests();
    s.injectFault({ endpoint: 'values', status: 503, times: 2 });
    expect((await values('A1')).status).toBe(503);
    expect((await values('A1')).body.error).toMatchObject({ code: 503, status: 'UNAVAILABLE' });
    expect((await values('A1')).status).toBe(200);
    const recs = s.requests();
    expect(recs.map((r) => [r.endpoint, r.status, r.auth])).toEqual([['values', 503, 'none'], ['values', 503, 'none'], ['values', 200, 'apiKey']]);
    expect(JSON.stringify(recs)).not.toContain('k1');
  });

  it('demo: a public and a private spreadsheet of the given people, readable with the demo key and account', async () => {
    const demo = demoSheetsData(syntheticPeople(3));
    const d = await startSheetsStandin(demo);
    try {
      const rows = (await (await fetch(`${d.url}/v4/spreadsheets/demo-people/values/People?key=${demo.apiKey}`)).json()) as { values: string[][] };
      expect(rows.values[0]).toEqual(['vid', 'name', 'gender', 'dob', 'phoneNumber', 'emailId', 'fullAddress']);
      expect(rows.values).toHaveLength(4);
      expect((await fetch(`${d.url}/v4/spreadsheets/demo-private/values/People?key=${demo.apiKey}`)).status).toBe(403);
      expect(demo.serviceAccountKey.private_key).toContain('BEGIN PRIVATE KEY');
    } finally {
      await d.close();
    }
  });
});

test('a malformed percent-encoding in the range is a 400, not a 500', async () => {
  const res = await fetch(`${s.url}/v4/spreadsheets/pub/values/%E0%A4%A?key=k1`);
  expect(res.status).toBe(400);
  expect(((await res.json()) as { error: { status: string } }).error.status).toBe('INVALID_ARGUMENT');
});

test('resolves ranges as the API does: a title alone (quoted or not), title!cells, cells on the first sheet', async () => {
  for (const range of ['My Sheet', "'My Sheet'", "'My Sheet'!A1:C10", 'A1:C10', 'A:C', '1:10']) {
    const { status, body } = await values(range);
    expect({ range, status, first: (body.values as unknown[][])[0] }).toEqual({ range, status: 200, first: ['a', 'b'] });
  }
  expect((await values("'My Sheet'!B2")).body).toEqual({ range: "'My Sheet'!B2:B2", majorDimension: 'ROWS' });
  for (const bad of ['A', "'My Sheet'!", 'C1:A1', 'A0:B2', '!A1', 'Other!A1']) expect({ bad, status: (await values(bad)).status }).toEqual({ bad, status: 400 });
});

test("with readQuotaPerMinute, reads past the quota are 429 RESOURCE_EXHAUSTED until the next minute, as Google's per-user quota", async () => {
  let at = Date.parse('2026-01-01T00:00:10Z');
  const q = await startSheetsStandin({ spreadsheets: [{ spreadsheetId: 'p', public: true, sheets: [{ title: 'T', rows: [['a']] }] }], apiKeys: ['k'], readQuotaPerMinute: 2, now: () => new Date(at) });
  try {
    const read = async (path: string) => (await fetch(`${q.url}/v4/spreadsheets/p${path}?key=k`)).status;
    expect([await read(''), await read('/values/A1')]).toEqual([200, 200]);
    const res = await fetch(`${q.url}/v4/spreadsheets/p/values/A1?key=k`);
    expect(res.status).toBe(429);
    expect(((await res.json()) as { error: unknown }).error).toMatchObject({ code: 429, status: 'RESOURCE_EXHAUSTED', details: [expect.objectContaining({ reason: 'RATE_LIMIT_EXCEEDED' })] });
    at += 60_000;
    expect(await read('/values/A1')).toBe(200);
  } finally {
    await q.close();
  }
});
