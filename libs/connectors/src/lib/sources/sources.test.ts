import { Readable } from 'node:stream';
import type { ParsedRecord } from '@mts/parsers';
import type { RequestConfig } from '@mts/envelope';
import { csvSource } from './csv.js';
import { jsonSource } from './json.js';
import { odkSource } from './odk.js';

async function all(records: AsyncIterable<ParsedRecord>): Promise<ParsedRecord[]> {
  const out: ParsedRecord[] = [];
  for await (const r of records) out.push(r);
  return out;
}
const config = (extra: Partial<RequestConfig> = {}): RequestConfig => ({ output: 'csv', deliverytype: 'download', ...extra });

test('csv reads the stored upload with the request delimiter; the upload checks refuse what MTS cannot read', async () => {
  const records = await all(csvSource.read({ requestId: 'r', inputKind: 'csv', config: config({ csvDelimiter: ';' }), openInput: () => Readable.from(['vid;name\n1;A\n2;B\n']) }));
  expect(records).toEqual([
    { lineNo: 2, data: { vid: '1', name: 'A' } },
    { lineNo: 3, data: { vid: '2', name: 'B' } },
  ]);
  const check = csvSource.intake.type === 'upload' ? csvSource.intake.check! : () => null;
  expect(check({ size: 3, binary: true, nonBlankLines: 1 })?.message).toMatch(/not UTF-8/);
  expect(check({ size: 0, binary: false, nonBlankLines: 0 })?.message).toMatch(/empty/);
  expect(check({ size: 9, binary: false, nonBlankLines: 1 })?.message).toMatch(/header but no records/);
  expect(check({ size: 9, binary: false, nonBlankLines: 2 })).toBeNull();
  // Without a header row (request.csvHeader: false) one line is a record, and the columns are "0", "1", ….
  expect(check({ size: 9, binary: false, nonBlankLines: 1 }, { csvHeader: false })).toBeNull();
  const headerless = await all(csvSource.read({ requestId: 'r', inputKind: 'csv', config: config({ csvHeader: false }), openInput: () => Readable.from(['1,A\n']) }));
  expect(headerless).toEqual([{ lineNo: 1, data: { '0': '1', '1': 'A' } }]);
});

test('odk asks for MTS_PULL_PAGE_SIZE submissions per page ($top) when the worker sets it', async () => {
  const urls: string[] = [];
  const fetch = (async (input: string | URL) => {
    const url = String(input);
    urls.push(url);
    if (url.endsWith('/v1/sessions')) return Response.json({ token: 'session-token' });
    if (url.includes('/v1/sessions/')) return new Response(null, { status: 200 });
    return Response.json({ value: [{ __id: 'uuid:1', vid: '1' }] });
  }) as typeof globalThis.fetch;
  const odkconfig = { baseurl: 'https://odk.example.org', email: 'e@example.org', password: 'pw', projectid: '1', formid: 'f' };
  const read = (pageSize?: number) =>
    all(odkSource.read({ requestId: 'r', inputKind: 'odk', config: config({ odkconfig }), openInput: () => Readable.from([]), fetch, ...(pageSize ? { pageSize } : {}) }));
  await read(40);
  await read();
  const tops = urls.filter((u) => u.includes('Submissions')).map((u) => new URL(u).searchParams.get('$top'));
  expect(tops).toEqual(['40', '250']);
});

test('json reads NDJSON as the API stores it, and a JSON array as older requests hold it', async () => {
  const ndjson = await all(jsonSource.read({ requestId: 'r', inputKind: 'ndjson', config: config(), openInput: () => Readable.from(['{"vid":"1"}\n{"vid":"2"}\n']) }));
  expect(ndjson.map((r) => ('data' in r ? r.data : r))).toEqual([{ vid: '1' }, { vid: '2' }]);
  const array = await all(jsonSource.read({ requestId: 'r', inputKind: 'json', config: config(), openInput: () => Readable.from(['[{"vid":"1"},{"vid":"2"}]']) }));
  expect(array.map((r) => ('data' in r ? r.data : r))).toEqual([{ vid: '1' }, { vid: '2' }]);
  expect(jsonSource.intake).toEqual({ type: 'records', field: 'authdata' });
});
