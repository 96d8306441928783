import { Readable } from 'node:stream';
import type { ParsedRecord } from '@mts/parsers';
import { startSheetsStandin, type RunningSheetsStandin } from '@mts/sheets-standin';
import { sourceForStoredKind, createSeedValidator } from '../registry.js';
import { sheetsSource } from './sheets.js';

let sheets: RunningSheetsStandin;
beforeAll(async () => {
  sheets = await startSheetsStandin({
    spreadsheets: [{ spreadsheetId: 's1', public: true, sheets: [{ title: 'Tab', rows: [['vid', 'name'], ['1', 'A'], ['2'], ['3', 'C']], rowCount: 4 }] }],
    apiKeys: ['k'],
  });
});
afterAll(() => sheets.close());

async function all(records: AsyncIterable<ParsedRecord>): Promise<ParsedRecord[]> {
  const out: ParsedRecord[] = [];
  for await (const r of records) out.push(r);
  return out;
}
const ctx = (sheetsconfig: unknown, pageSize?: number) => ({
  requestId: 'r',
  inputKind: 'sheets' as const,
  config: { output: 'csv' as const, deliverytype: 'download' as const, sheetsconfig: sheetsconfig as never },
  openInput: () => Readable.from([]),
  fetch,
  pageSize,
});

test('is registered: reads stored sheets requests and serves POST authtoken/sheets with its envelope part', () => {
  expect(sourceForStoredKind('sheets')).toBe(sheetsSource);
  expect(sheetsSource.intake).toEqual({ type: 'pull' });
  expect(createSeedValidator().validate('sheets', { id: 'x', version: '1', metadata: '', requesttime: '2026-01-01T00:00:00.000Z', request: { output: 'csv', deliverytype: 'download' } })[0]?.errorCode).toBe('ATS-REQ-040');
});

test('reads the sheet in windows of the worker page size, rows numbered as in the sheet (26 columns: a new grid)', async () => {
  const recs = await all(sheetsSource.read(ctx({ spreadsheetId: 's1', baseurl: sheets.url, auth: { type: 'apiKey', apiKey: 'k' } }, 2)));
  expect(recs).toEqual([
    { lineNo: 2, data: { vid: '1', name: 'A' } },
    { lineNo: 3, data: { vid: '2', name: '' } },
    { lineNo: 4, data: { vid: '3', name: 'C' } },
  ]);
  expect(sheets.requests().filter((r) => r.endpoint === 'values').map((r) => r.range)).toEqual(["'Tab'!A1:Z1", "'Tab'!A2:Z3", "'Tab'!A4:Z4"]);
});

test('a stored request without sheetsconfig fails with a code, not a crash', async () => {
  await expect(all(sheetsSource.read(ctx(undefined)))).rejects.toMatchObject({ code: 'SHEETS_CONFIG_INVALID', retryable: false });
});
