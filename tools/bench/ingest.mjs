// Ingest benchmark: generate an N-row CSV (default 1,000,000), then parse → map → template → CSV write, one core.
// Prints rows/s and peak RSS; the last line is one JSON object. Usage: node tools/bench/ingest.mjs [--rows N] [--keep]
// Run through `npm run bench:ingest`, which builds first: this script imports the packages' dist.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { once } from 'node:events';
import * as parsers from '@mts/parsers';
import * as fieldMapping from '@mts/field-mapping';

const args = process.argv.slice(2);
const rowsArg = args.indexOf('--rows');
const ROWS = rowsArg >= 0 ? Number(args[rowsArg + 1]) : Number(process.env.BENCH_ROWS ?? 1_000_000);
const KEEP = args.includes('--keep');
const stubs = [];

// A realistic admin template: OpenG2P-style, reading both the received record and the default output record.
const TEMPLATE =
  '{reg_id: .input.reg_id, vid: .output.vid, token: (.output.token // ""), status: .output.status, ' +
  'error: (if .output.errorCode then .output.errorCode + ": " + .output.errorMessage else null end)}';

let compileOutputFormat = fieldMapping.compileOutputFormat;
if (typeof compileOutputFormat !== 'function') {
  stubs.push('compileOutputFormat');
  console.log('NOTE: @mts/field-mapping has no compileOutputFormat yet; using a hand-written JS stand-in for the template.');
  compileOutputFormat = () => ({ input, output }) => ({
    reg_id: input.reg_id ?? null,
    vid: output.vid,
    token: output.token ?? '',
    status: output.status,
    error: output.errorCode ? output.errorCode + ': ' + output.errorMessage : null,
  });
}
if (typeof parsers.parseCsv !== 'function') throw new Error('@mts/parsers has no parseCsv: build it first');

// Peak RSS: sampled, and the kernel's own high-water mark at the end.
let peakRss = 0;
const sample = () => (peakRss = Math.max(peakRss, process.memoryUsage.rss()));
const sampler = setInterval(sample, 50);

const GIVEN = ['Asha', 'Ravi', 'Meera', 'Karan', 'Lena', 'Tomas', 'Ines', 'Omar', 'Yuki', 'Zara'];
const FAMILY = ['Rao', 'Silva', 'Okafor', 'Nguyen', 'Kowalski', 'Haddad', 'Moreau', 'Tanaka'];
const CITIES = ['Pune', 'Lyon', 'Accra', 'Hanoi', 'Krakow', 'Porto'];

/** Deterministic synthetic rows; about 1 in 50 lacks a gender so the invalid path is exercised too. */
async function generate(path, rows) {
  const out = createWriteStream(path);
  out.write('reg_id,vid,first name,last-name,gender,dob,phone,email,address line,city,zip\r\n');
  let buf = '';
  for (let i = 0; i < rows; i++) {
    const g = GIVEN[i % GIVEN.length];
    const f = FAMILY[(i * 7) % FAMILY.length];
    const vid = String(4000000000000000 + i * 7919);
    const gender = i % 50 === 7 ? '' : i % 2 ? 'female' : 'male';
    const dob = `${1950 + (i % 50)}-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`;
    const addr = i % 10 === 3 ? `"${i % 300} Lake Road, Block ${i % 9}"` : `${i % 300} Lake Road`;
    buf += `R${i},${vid},${g},${f},${gender},${dob},98${String(i).padStart(8, '0')},${g.toLowerCase()}.${i}@example.org,${addr},${CITIES[i % CITIES.length]},${400000 + (i % 999)}\r\n`;
    if (buf.length > 65536) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.end(buf);
  await once(out, 'finish');
}

async function* process_(records, map, template, counts) {
  for await (const rec of records) {
    if ('error' in rec) {
      counts.parseErrors++;
      continue;
    }
    const r = map(rec.data);
    const output = r.ok
      ? { vid: r.input.vid, status: 'processed', token: 'T' + r.input.vid, errorCode: null, errorMessage: null }
      : { vid: r.vid, status: 'invalid', token: null, errorCode: r.code, errorMessage: r.message };
    if (!r.ok) counts.invalid++;
    counts.rows++;
    yield template({ input: rec.data, output });
  }
}

const dir = await mkdtemp(join(tmpdir(), 'bench-ingest-'));
const inPath = join(dir, 'input.csv');
const outPath = join(dir, 'output.csv');
try {
  let t = performance.now();
  await generate(inPath, ROWS);
  const genSeconds = (performance.now() - t) / 1000;
  const inBytes = (await stat(inPath)).size;
  console.log(`generated ${ROWS} rows (${(inBytes / 1e6).toFixed(1)} MB) in ${genSeconds.toFixed(2)} s: ${inPath}`);

  const map = fieldMapping.createRecordMapper({
    mapping: { vid: 'vid', name: ['["first name"]', '"last-name"'], phoneNumber: 'phone', emailId: 'email', fullAddress: ['["address line"]', 'city', 'zip'] },
    lang: 'eng',
  });
  const template = compileOutputFormat(TEMPLATE);
  const counts = { rows: 0, invalid: 0, parseErrors: 0 };
  peakRss = 0;
  sample();
  t = performance.now();
  const rows = process_(parsers.parseCsv(createReadStream(inPath, { highWaterMark: 1 << 16 })), map, template, counts);
  await pipeline(Readable.from(fieldMapping.csvWriter(rows)), createWriteStream(outPath));
  const seconds = (performance.now() - t) / 1000;
  sample();
  const outBytes = (await stat(outPath)).size;
  const result = {
    bench: 'ingest',
    rows: counts.rows,
    invalid: counts.invalid,
    parseErrors: counts.parseErrors,
    seconds: Number(seconds.toFixed(3)),
    rowsPerSecond: Math.round(counts.rows / seconds),
    peakRssMB: Number((peakRss / 1048576).toFixed(1)),
    maxRssMB: Number((process.resourceUsage().maxRSS / 1024).toFixed(1)),
    inputMB: Number((inBytes / 1e6).toFixed(1)),
    outputMB: Number((outBytes / 1e6).toFixed(1)),
    node: process.version,
    stubs,
  };
  console.log(`parse → map → template → csv: ${result.rows} rows in ${result.seconds} s = ${result.rowsPerSecond} rows/s`);
  console.log(`peak RSS ${result.peakRssMB} MB during the pipeline (sampled), ${result.maxRssMB} MB process high-water mark`);
  console.log(`goal: ≥ 50000 rows/s and < 200 MB peak RSS`);
  console.log(JSON.stringify(result));
} finally {
  clearInterval(sampler);
  if (!KEEP) await rm(dir, { recursive: true, force: true });
}
