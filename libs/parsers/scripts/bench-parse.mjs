// Parse-only throughput of the built @mts/parsers: node libs/parsers/scripts/bench-parse.mjs [rows=1000000]
// Writes synthetic CSV / NDJSON / JSON files to a temp dir, parses each in a fresh process (so peak RSS is the
// parser's alone), prints one JSON line per format.
// Build first: NX_NO_CLOUD=true NX_DAEMON=false npx nx run @mts/parsers:build
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCsv, parseJsonArray, parseNdjson } from '@mts/parsers';

const parsers = { csv: parseCsv, ndjson: parseNdjson, json: parseJsonArray };
if (process.argv[2] === '--measure') {
  await measure(process.argv[3], parsers[process.argv[3]], process.argv[4]);
  process.exit(0);
}
const rows = Number(process.argv[2] ?? 1_000_000);
const dir = mkdtempSync(join(tmpdir(), 'parsers-bench-'));

const person = (i) => ({
  vid: String(4_000_000_000_000_000 + i), name: `Person ${i} Sample`, gender: i % 2 ? 'Male' : 'Female',
  dob: `1990/01/${String(1 + (i % 28)).padStart(2, '0')}`, phoneNumber: `9000${String(i).padStart(6, '0')}`,
  emailId: `p${i}@example.org`, fullAddress: `${i} Demo Street, Sample City`,
});

async function write(name, head, line, sep, tail) {
  const path = join(dir, name);
  const out = createWriteStream(path);
  out.write(head);
  let buf = [];
  for (let i = 0; i < rows; i++) {
    buf.push(line(person(i)));
    if (buf.length === 10_000 || i === rows - 1) {
      if (!out.write((i >= 10_000 && sep === ',' ? ',' : '') + buf.join(sep) + (sep === '\n' ? '\n' : ''))) await once(out, 'drain');
      buf = [];
    }
  }
  out.end(tail);
  await once(out, 'finish');
  return path;
}

async function measure(kind, parse, path) {
  let peak = process.memoryUsage.rss();
  let n = 0;
  const t0 = process.hrtime.bigint();
  for await (const r of parse(createReadStream(path, { highWaterMark: 64 * 1024 }))) {
    if ('data' in r) n++;
    if ((n & 0xffff) === 0) peak = Math.max(peak, process.memoryUsage.rss());
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  peak = Math.max(peak, process.memoryUsage.rss());
  const mib = statSync(path).size / 1048576;
  console.log(JSON.stringify({ kind, rows: n, mib: +mib.toFixed(1), seconds: +seconds.toFixed(2), rowsPerSecond: Math.round(n / seconds), peakRssMB: Math.round(peak / 1048576) }));
}

try {
  const csvLine = (p) => `${p.vid},${p.name},${p.gender},${p.dob},${p.phoneNumber},${p.emailId},"${p.fullAddress}"`;
  const files = {
    csv: await write('people.csv', 'vid,name,gender,dob,phoneNumber,emailId,fullAddress\n', csvLine, '\n', ''),
    ndjson: await write('people.ndjson', '', (p) => JSON.stringify(p), '\n', ''),
    json: await write('people.json', '[', (p) => JSON.stringify(p), ',', ']'),
  };
  for (const [kind, path] of Object.entries(files)) {
    execFileSync(process.execPath, [process.argv[1], '--measure', kind, path], { stdio: 'inherit' });
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
