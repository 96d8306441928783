// bench:answers — what recording IDA's answers costs the store as a request grows: N records inserted, then answered
// in batches of 100 (the worker's batch), each with its own token, through store.recordAnswers. Prints the CPU and
// wall time per answer of the answering alone (the inserts before it are not timed). One JSON line; never asserted
// in tests. `--engine postgres` runs it on PostgreSQL (MTS_TEST_PG_URL, default the test server) in a schema of its
// own, dropped at the end; there the wall time includes the server's work, the CPU only this process's.
//   npm run bench:answers -- 1000000
//   npm run bench:answers -- 200000 --engine postgres
import { openBenchStore } from './lib/bench-store.mjs';

const bench = await openBenchStore(process.argv.slice(2), { prefix: 'answersbench-' });
const { engine, n, store } = bench;
try {
  const { id } = await store.createRequest({ inputKind: 'odk', config: { output: 'csv', deliverytype: 'download' } });
  const demographics = { name: 'Synthetic Person', gender: 'Female', dob: '1990/01/05', fullAddress: '1 Synthetic Street' };
  for (let s = 0; s < n; s += 5000) {
    const recs = [];
    for (let k = s; k < Math.min(n, s + 5000); k++) recs.push({ lineNo: k + 2, seq: k, chunk: Math.floor(k / 1000), received: undefined, input: { vid: `v${k}`, ...demographics } });
    await store.insertRecords(id, recs);
  }
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let s = 0; s < n; s += 100) {
    const batch = [];
    // 36 digits, as IDA's tokens, distinct per record.
    for (let k = s; k < Math.min(n, s + 100); k++) batch.push({ lineNo: k + 2, ok: true, vid: `v${k}`, token: String(k).padStart(12, '0') + '7'.repeat(24) });
    await store.recordAnswers(id, batch);
  }
  const wallUs = Number(process.hrtime.bigint() - t0) / 1e3;
  const cpu = process.cpuUsage(cpu0);
  const round = (x) => Math.round(x * 10) / 10;
  console.log(JSON.stringify({ bench: 'answers', engine, records: n, cpuUsPerAnswer: round((cpu.user + cpu.system) / n), wallUsPerAnswer: round(wallUs / n), rssMb: Math.round(process.memoryUsage().rss / 2 ** 20) }));
} finally {
  await bench.close();
}
