// bench:duplicates — the duplicate report's cost at scale: N answered records (one in ten sharing its token with
// another), then store.indexDuplicates (timed, with the longest the event loop was blocked meanwhile: other requests'
// writes wait about as long for SQLite's lock) and a full read of the groups. One JSON line; never asserted in tests.
// `ingestMs` is the inserts and answers before it (5,000 records a call). `--engine postgres` runs it on PostgreSQL
// (MTS_TEST_PG_URL, default the test server) in a schema of its own, dropped at the end.
//   npm run bench:duplicates -- 1000000
//   npm run bench:duplicates -- 200000 --engine postgres
import { openBenchStore } from './lib/bench-store.mjs';

const bench = await openBenchStore(process.argv.slice(2), { prefix: 'dupbench-' });
const { engine, n, store } = bench;
const tIngest = process.hrtime.bigint();
const { id } = await store.createRequest({ inputKind: 'odk', config: { output: 'json', deliverytype: 'download' } });
const B = 5000;
for (let s = 0; s < n; s += B) {
  const recs = [];
  for (let k = s; k < Math.min(n, s + B); k++) recs.push({ lineNo: k + 1, seq: k, chunk: Math.floor(k / 1000), received: undefined, input: { vid: `v${k}` } });
  await store.insertRecords(id, recs);
  // 1 in 10 records shares its token with another (a person listed twice).
  await store.recordAnswers(id, recs.map((r) => ({ lineNo: r.lineNo, ok: true, vid: null, token: `tok-${r.lineNo % 10 === 0 ? r.lineNo - 5 : r.lineNo}` })));
}
const ingestMs = Number(process.hrtime.bigint() - tIngest) / 1e6;
// The longest the event loop is blocked while indexing (other requests' writes wait as long for the lock).
let longest = 0; let last = process.hrtime.bigint();
const probe = setInterval(() => { const now = process.hrtime.bigint(); longest = Math.max(longest, Number(now - last) / 1e6); last = now; }, 1);
const t0 = process.hrtime.bigint();
const groups = await store.indexDuplicates(id);
clearInterval(probe);
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
let read = 0; const t1 = process.hrtime.bigint();
for await (const g of store.duplicateGroups(id)) read += g.lineNos.length;
const readMs = Number(process.hrtime.bigint() - t1) / 1e6;
console.log(JSON.stringify({ engine, records: n, ingestMs: Math.round(ingestMs), groups, indexMs: Math.round(ms), longestBlockMs: Math.round(longest), readMs: Math.round(readMs), linesInGroups: read, rssMb: Math.round(process.memoryUsage().rss / 2 ** 20) }));
await bench.close();
