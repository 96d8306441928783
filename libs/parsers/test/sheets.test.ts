import { generateKeyPairSync } from 'node:crypto';
import type { SheetsConfig } from '@mts/envelope';
import { startSheetsStandin, type RunningSheetsStandin, type StandinCell } from '@mts/sheets-standin';
import { createSheetsTokenCache, pullSheetRows, SheetsError, type ParsedRecord, type SheetsPullOptions } from '../src/index.js';
import { collect, dataOf } from './helpers.js';

jest.setTimeout(30_000);

const pair = () => generateKeyPairSync('rsa', { modulusLength: 1024 });
const account = pair();
const stranger = pair();
const EMAIL = 'reader@synthetic.iam.gserviceaccount.com';
const privateKey = account.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;

const HEADER = ['vid', 'name', 'gender', 'dob'];
// 23 people in rows 2..24; the API drops trailing empty cells, so row 5 comes back short (padded by the pull).
const people: StandinCell[][] = Array.from({ length: 23 }, (_, i) => [String(5000 + i), `Person ${i}`, i % 2 ? 'Male' : 'Female', `1990/01/${10 + (i % 18)}`]);
people[3] = [String(5003), 'Person 3'];
people[10] = []; // row 12 blank: skipped
const rows: StandinCell[][] = [HEADER, ...people];

let sheets: RunningSheetsStandin;
let config: SheetsConfig;
let saConfig: SheetsConfig;

beforeAll(async () => {
  sheets = await startSheetsStandin({
    spreadsheets: [
      { spreadsheetId: 'people', public: true, sharedWith: [EMAIL], sheets: [{ title: 'People list', rows, rowCount: 40 }, { title: 'Second', rows: [['a', 'b'], [1, true]] }] },
      { spreadsheetId: 'private', sharedWith: [EMAIL], sheets: [{ title: 'Sheet1', rows, rowCount: 30 }] },
      { spreadsheetId: 'unshared', sheets: [{ title: 'Sheet1', rows }] },
      { spreadsheetId: 'empty', public: true, sheets: [{ title: 'Sheet1', rows: [] }] },
      { spreadsheetId: 'headless', public: true, sheets: [{ title: 'Sheet1', rows: [[], ['1', 'x']] }] },
      { spreadsheetId: 'onlyheader', public: true, sheets: [{ title: 'Sheet1', rows: [HEADER] }] },
    ],
    apiKeys: ['synthetic-key'],
    serviceAccounts: [{ clientEmail: EMAIL, publicKey: account.publicKey.export({ type: 'spki', format: 'pem' }) as string }],
  });
  config = { spreadsheetId: 'people', baseurl: sheets.url, auth: { type: 'apiKey', apiKey: 'synthetic-key' } };
  saConfig = { spreadsheetId: 'private', baseurl: sheets.url, auth: { type: 'serviceAccount', clientEmail: EMAIL, privateKey, tokenUri: sheets.tokenUrl } };
});
afterAll(() => sheets.close());
beforeEach(() => sheets.clearRequests());

const pull = (c: Partial<SheetsConfig>, options: SheetsPullOptions = {}) => collect(pullSheetRows({ ...config, ...c } as SheetsConfig, options));
const valueRanges = () => sheets.requests().filter((r) => r.endpoint === 'values').map((r) => r.range);

async function failure(promise: Promise<unknown>): Promise<SheetsError> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof SheetsError) return e;
    throw e;
  }
  throw new Error('expected a SheetsError');
}

describe('pullSheetRows against the Sheets stand-in', () => {
  it("waits out Google's read quota (429) and reads the sheet to the end; gives up after rateLimitWaits", async () => {
    let at = Date.parse('2026-01-01T00:00:10Z');
    const quota = await startSheetsStandin({
      spreadsheets: [{ spreadsheetId: 'q', public: true, sheets: [{ title: 'T', rows, rowCount: 24 }] }],
      apiKeys: ['k'],
      readQuotaPerMinute: 3,
      now: () => new Date(at),
    });
    try {
      const waits: number[] = [];
      const sleep = async (ms: number) => {
        waits.push(ms);
        at += ms; // the stand-in's minute moves on
      };
      const qConfig = { spreadsheetId: 'q', baseurl: quota.url, auth: { type: 'apiKey', apiKey: 'k' } } as SheetsConfig;
      // 1 spreadsheet read + the header + 5 windows of 5 rows = 7 reads at 3 a minute: two waits.
      const recs = await collect(pullSheetRows(qConfig, { windowRows: 5, sleep }));
      expect(recs.map((r) => r.lineNo)).toEqual(Array.from({ length: 23 }, (_, i) => i + 2).filter((n) => n !== 12));
      expect(waits).toEqual([60_000, 60_000]);
      at += 60_000;
      const e = await failure(collect(pullSheetRows(qConfig, { windowRows: 5, sleep, rateLimitWaits: 0 })));
      expect([e.code, e.retryable]).toEqual(['SHEETS_RATE_LIMITED', true]);
    } finally {
      await quota.close();
    }
  });

  it('reads the first sheet in row windows: header, then windows of windowRows, lineNo = the sheet row', async () => {
    const recs = await pull({}, { windowRows: 7 });
    // Grid of 40 rows × 26 columns: the windows cover all of it, 7 rows each, quoted title.
    const ranges = valueRanges();
    expect(ranges.slice(0, 5)).toEqual(["'People list'!A1:Z1", "'People list'!A2:Z8", "'People list'!A9:Z15", "'People list'!A16:Z22", "'People list'!A23:Z29"]);
    expect(ranges).toHaveLength(1 + Math.ceil(39 / 7));
    expect(ranges.at(-1)).toBe("'People list'!A37:Z40");
    expect(recs.map((r) => r.lineNo)).toEqual([...Array.from({ length: 23 }, (_, i) => i + 2)].filter((n) => n !== 12));
    const data = dataOf(recs);
    expect(data[0]).toEqual({ vid: '5000', name: 'Person 0', gender: 'Female', dob: '1990/01/10' });
    expect(data[3]).toEqual({ vid: '5003', name: 'Person 3', gender: '', dob: '' }); // padded
  });

  it('reads a bounded range with a quoted sheet name, and header: false keys columns "0", "1", …', async () => {
    const recs = await pull({ range: "'People list'!B3:C6", header: false }, { windowRows: 3 });
    expect(valueRanges()).toEqual(["'People list'!B3:C5", "'People list'!B6:C6"]);
    expect(recs.map((r) => r.lineNo)).toEqual([3, 4, 5, 6]);
    expect(dataOf(recs)).toEqual([
      { 0: 'Person 1', 1: 'Male' },
      { 0: 'Person 2', 1: 'Female' },
      { 0: 'Person 3', 1: '' },
      { 0: 'Person 4', 1: 'Female' },
    ]);
  });

  it('names a sheet without cells, renders UNFORMATTED_VALUE, and reads rows past a blank one', async () => {
    const second = dataOf(await pull({ range: 'Second', valueRenderOption: 'UNFORMATTED_VALUE' }));
    expect(second).toEqual([{ a: 1, b: true }]);
    expect(dataOf(await pull({ range: 'Second' }))).toEqual([{ a: '1', b: 'TRUE' }]);
  });

  it('a service account: one signed JWT for a token, cached across pulls, renewed when the API refuses it', async () => {
    const tokenCache = createSheetsTokenCache();
    const issued = sheets.tokensIssued();
    expect(dataOf(await collect(pullSheetRows(saConfig, { tokenCache, windowRows: 500 })))).toHaveLength(22);
    expect(dataOf(await collect(pullSheetRows(saConfig, { tokenCache, windowRows: 500 })))).toHaveLength(22);
    expect(sheets.tokensIssued()).toBe(issued + 1);
    expect(sheets.requests().filter((r) => r.endpoint !== 'token').every((r) => r.auth === 'bearer' && r.status === 200)).toBe(true);

    // Expired behind the cache's back mid-pull (after the second values call): one 401, a new token, no record lost.
    let calls = 0;
    const fetching: typeof fetch = async (url, init) => {
      const res = await fetch(url, init);
      if (String(url).includes('/values/') && ++calls === 2) sheets.expireTokens();
      return res;
    };
    sheets.clearRequests();
    const recs = await collect(pullSheetRows(saConfig, { tokenCache, windowRows: 5, fetch: fetching }));
    expect(recs.map((r) => r.lineNo)).toEqual(Array.from({ length: 23 }, (_, i) => i + 2).filter((n) => n !== 12));
    expect(sheets.tokensIssued()).toBe(issued + 2);
    expect(sheets.requests().filter((r) => r.status === 401)).toHaveLength(1);

    // A token within a minute of its expiry is renewed before use: the first pull's clock is 59.5 minutes behind.
    let now = Date.now() - 3599_000 + 30_000;
    const clockCache = createSheetsTokenCache();
    await collect(pullSheetRows(saConfig, { tokenCache: clockCache, now: () => now }));
    now = Date.now();
    await collect(pullSheetRows(saConfig, { tokenCache: clockCache, now: () => now }));
    expect(sheets.tokensIssued()).toBe(issued + 4);
  });

  it.each([
    ['an unknown spreadsheet', { spreadsheetId: 'nope' }, 'SHEETS_NOT_FOUND', 404],
    ['a private sheet with an API key', { spreadsheetId: 'private' }, 'SHEETS_PERMISSION_DENIED', 403],
    ['an invalid API key', { auth: { type: 'apiKey', apiKey: 'wrong' } }, 'SHEETS_AUTH_FAILED', 400],
    ['a sheet that does not exist', { range: 'Nowhere!A1:B' }, 'SHEETS_BAD_RANGE', undefined],
    ['a name that is no sheet nor named range', { range: 'Nowhere' }, 'SHEETS_BAD_RANGE', 400],
    ['an empty sheet', { spreadsheetId: 'empty' }, 'SHEETS_EMPTY', undefined],
    ['a header row and nothing else', { spreadsheetId: 'onlyheader' }, 'SHEETS_EMPTY', undefined],
    ['a range whose first row is empty', { spreadsheetId: 'headless' }, 'SHEETS_NO_HEADER', undefined],
  ])('%s: not retryable', async (_name, extra, code, status) => {
    const e = await failure(pull(extra as Partial<SheetsConfig>));
    expect({ code: e.code, retryable: e.retryable, status: e.status }).toEqual({ code, retryable: false, status });
    expect(e.message).not.toContain('synthetic-key');
  });

  it('a service account refused by the token endpoint (wrong key, not shared) fails without retry', async () => {
    const wrongKey = stranger.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const bad = await failure(collect(pullSheetRows({ ...saConfig, auth: { ...saConfig.auth, privateKey: wrongKey } as SheetsConfig['auth'] }, { tokenCache: createSheetsTokenCache() })));
    expect({ code: bad.code, googleStatus: bad.googleStatus, retryable: bad.retryable }).toEqual({ code: 'SHEETS_AUTH_FAILED', googleStatus: 'invalid_grant', retryable: false });
    const unshared = await failure(collect(pullSheetRows({ ...saConfig, spreadsheetId: 'unshared' }, { tokenCache: createSheetsTokenCache() })));
    expect(unshared.code).toBe('SHEETS_PERMISSION_DENIED');
  });

  it('5xx, 429 and an unreachable server are retryable; a config that fails the envelope checks carries its ATS code', async () => {
    sheets.injectFault({ endpoint: 'values', status: 503 });
    expect(await failure(pull({}))).toMatchObject({ code: 'SHEETS_SERVER_ERROR', retryable: true, status: 503, googleStatus: 'UNAVAILABLE' });
    sheets.injectFault({ endpoint: 'metadata', status: 429 });
    expect(await failure(pull({}, { rateLimitWaits: 0 }))).toMatchObject({ code: 'SHEETS_RATE_LIMITED', retryable: true });
    sheets.injectFault({ endpoint: 'token', status: 500 });
    expect(await failure(collect(pullSheetRows(saConfig, { tokenCache: createSheetsTokenCache() })))).toMatchObject({ code: 'SHEETS_SERVER_ERROR', retryable: true });
    sheets.injectFault({ endpoint: 'values', destroy: true });
    expect(await failure(pull({}))).toMatchObject({ code: 'SHEETS_NETWORK', retryable: true });
    expect(await failure(pull({ baseurl: 'http://127.0.0.1:1' }))).toMatchObject({ code: 'SHEETS_NETWORK', retryable: true });
    expect(await failure(pull({ range: 'bad range!' }))).toMatchObject({ code: 'SHEETS_CONFIG_INVALID', mtsCode: 'ATS-REQ-042', retryable: false });
  });

  it('stops calling once the consumer stops', async () => {
    const seen: ParsedRecord[] = [];
    for await (const r of pullSheetRows(config, { windowRows: 5 })) {
      seen.push(r);
      if (seen.length === 3) break;
    }
    expect(valueRanges()).toHaveLength(2); // the header and one window
  });
});

test('a cached token is never handed to a config with another key for the same account', async () => {
  const tokenCache = createSheetsTokenCache();
  await collect(pullSheetRows(saConfig, { tokenCache }));
  const wrongKey = stranger.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  const e = await failure(collect(pullSheetRows({ ...saConfig, auth: { ...saConfig.auth, privateKey: wrongKey } as SheetsConfig['auth'] }, { tokenCache })));
  expect(e.code).toBe('SHEETS_AUTH_FAILED');
});
