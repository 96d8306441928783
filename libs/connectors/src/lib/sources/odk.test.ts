import { Readable } from 'node:stream';
import type { ParsedRecord } from '@mts/parsers';
import type { RequestConfig } from '@mts/envelope';
import { odkSource } from './odk.js';

// A Central as far as paging goes (integrations §2, central-backend's odata code): newest first by default;
// `$orderby` (2024.1+) with its insertion-order tiebreak; a nextLink holding `$skiptoken` (kept under `$orderby`,
// where following it is 501.1); "rows left" counted without `$skip`. `legacy` is a Central before 2024.1.
function fakeCentral(options: { legacy?: boolean } = {}) {
  const rows: { id: string; date: string; seq: number }[] = [];
  const add = (n: number) => rows.push({ id: `uuid:${n}`, date: `2024-01-0${n}T00:00:00.000Z`, seq: rows.length });
  const feed: string[] = [];
  let failCall: number | undefined;
  const problem = (status: number, code: number) => Response.json({ code, message: 'problem' }, { status });
  const fetch = (async (input: string | URL, init?: RequestInit) => {
    const url = new URL(String(input));
    if (init?.method === 'POST') return Response.json({ token: 'session-token' });
    if (init?.method === 'DELETE') return Response.json({ success: true });
    feed.push(url.search);
    if (feed.length === failCall) return problem(503, 503.1);
    const q = url.searchParams;
    const orderby = q.get('$orderby');
    const skiptoken = q.get('$skiptoken');
    if (orderby !== null && (options.legacy || skiptoken !== null)) return problem(501, 501.1);
    if (orderby !== null && orderby !== '__system/submissionDate asc') return problem(501, 501.5);
    const sorted = [...rows].sort((a, b) => (orderby ? a.seq - b.seq : b.seq - a.seq));
    const start = skiptoken !== null ? sorted.findIndex((r) => r.id === skiptoken) + 1 : Number(q.get('$skip') ?? 0);
    const page = sorted.slice(start, start + Number(q.get('$top')));
    const remaining = (skiptoken !== null ? sorted.length - start : sorted.length) - page.length;
    const next = new URLSearchParams(q);
    next.delete('$skip');
    if (page.length > 0) next.set('$skiptoken', page[page.length - 1]!.id);
    return Response.json({
      value: page.map((r) => ({ __id: r.id, __system: { submissionDate: r.date }, vid: `VID-${r.id.slice(5)}` })),
      ...(remaining > 0 && page.length > 0 ? { '@odata.nextLink': `${url.origin}${url.pathname}?${next}` } : {}),
    });
  }) as typeof globalThis.fetch;
  return { fetch, add, feed, failOnFeedCall: (n: number) => (failCall = n) };
}

const odkconfig = { baseurl: 'https://odk.example.org', email: 'viewer@example.org', password: 'pw', projectid: '1', formid: 'reg', startdate: '2024-01-01' };
const config: RequestConfig = { output: 'json', deliverytype: 'download', odkconfig };
const read = (fetch: typeof globalThis.fetch) => odkSource.read({ requestId: 'r', inputKind: 'odk', config, openInput: () => Readable.from([]), fetch, pageSize: 2 });
const vidOf = (r: ParsedRecord) => ('data' in r ? String(r.data.vid) : r.error.code);

test('odk: a pull retried after a transient error, with a submission arriving meanwhile, stores every record once', async () => {
  const central = fakeCentral();
  [1, 2, 3, 4, 5].forEach(central.add);
  central.failOnFeedCall(2);
  // The worker's rule: store by lineNo; on a retryable error the ingest runs again and skips lineNo <= stored.
  const stored = new Map<number, string>();
  await expect(
    (async () => {
      for await (const r of read(central.fetch)) stored.set(r.lineNo, vidOf(r));
    })(),
  ).rejects.toMatchObject({ code: 'ODK_SERVER_ERROR', retryable: true });
  expect([...stored.values()]).toEqual(['VID-1', 'VID-2']);
  central.add(6);
  const upTo = Math.max(...stored.keys());
  for await (const r of read(central.fetch)) if (r.lineNo > upTo) stored.set(r.lineNo, vidOf(r));
  expect([...stored]).toEqual([[1, 'VID-1'], [2, 'VID-2'], [3, 'VID-3'], [4, 'VID-4'], [5, 'VID-5'], [6, 'VID-6']]);
});

test('odk: pages oldest first with $orderby and $skip (never $skiptoken, which Central refuses with $orderby), ending on a short page', async () => {
  const central = fakeCentral();
  [1, 2, 3, 4].forEach(central.add);
  const records: ParsedRecord[] = [];
  for await (const r of read(central.fetch)) records.push(r);
  expect(records.map((r) => [r.lineNo, vidOf(r)])).toEqual([[1, 'VID-1'], [2, 'VID-2'], [3, 'VID-3'], [4, 'VID-4']]);
  const pages = central.feed.map((s) => new URLSearchParams(s));
  expect(pages.map((q) => [q.get('$orderby'), q.get('$skip'), q.get('$skiptoken')])).toEqual([
    ['__system/submissionDate asc', null, null],
    ['__system/submissionDate asc', '2', null],
    ['__system/submissionDate asc', '4', null],
  ]);
  expect(pages.every((q) => q.get('$top') === '2' && q.get('$filter') === '__system/submissionDate ge 2024-01-01T00:00:00.000Z')).toBe(true);
});

test('odk: a Central older than 2024.1 (501 to $orderby) is still read, newest first as before', async () => {
  const central = fakeCentral({ legacy: true });
  [1, 2, 3].forEach(central.add);
  const vids: string[] = [];
  for await (const r of read(central.fetch)) vids.push(vidOf(r));
  expect(vids).toEqual(['VID-3', 'VID-2', 'VID-1']);
  expect(central.feed.filter((s) => s.includes('orderby'))).toHaveLength(1); // asked once, then not again
});
