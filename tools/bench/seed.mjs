// Benchmark: the whole service. Starts the IDA sandbox (latency L) and the service (API and worker, in one process
// unless MTS_SEPARATE_PROCESSES=true) as child processes on a temp data dir, submits N records (JSON authdata built
// from the sandbox's demo identities) and measures the time until the request id comes back, records/s from
// submission to a complete download, and the service's peak RSS.
//
//   npm run bench:seed -- [--n 10000] [--latency 0,50] [--input json|csv] [--output csv|json] [--identities 1000]
//                        [--compare-auth] [--warmup 3000] [--engine sqlite,postgres] [--workers 1,2] [--worker-processes 1,2]
//                        [--concurrency fixed:N|adaptive] [--cpu-prof] [--perf [--perf-keep DIR]] [--alloc-prof]
//                        [--ida sandbox|echo] [--service-cpus 0|0,1] [--ida-cpus 1] [--repeat 3]
//
// --input json (default): POST authtoken/json with the records in request.authdata; csv: the same records as an MTS
// CSV file (vid,name,gender,dob,fullAddress) in POST authtoken/csv's multipart `csv_file`. Either body is written to a
// temp file first and streamed from it, and the download is read as a stream, so a run of 1,000,000 records holds
// neither in this process. requestIdMs is from the last byte of the body sent to the id back; uploadMs is the whole
// upload (first byte to last). Each run also reports the service's peak V8 heap (used, old space, committed,
// external: from the API's /metrics every 5 s, a scrape costing the service ~15 ms of CPU), its RSS split into
// anonymous and file-backed, and on SQLite the write-ahead log's peak size. A JSON body too large for the API's
// default MTS_MAX_JSON_BYTES (512 MiB: past ~3,000,000 records) gets a limit raised to fit.
//
// --concurrency: the worker's IDA concurrency — fixed:N (MTS_IDA_CONCURRENCY=N) or adaptive (MTS_IDA_CONCURRENCY_MODE,
// from 48 within 8..256); unset, the service's default (adaptive). Each run reports idaConcurrencyLimit, the worker's
// limit when the download completed, read from /metrics (mts_worker_ida_concurrency_limit): the API's in the default
// one-process service; with separate worker processes each worker's own (MTS_WORKER_HTTP_PORT, one port per worker).
//
// --engine sqlite (default) | postgres | both, comma-separated: where the store and queue live. On PostgreSQL
// (MTS_BENCH_PG_URL, default the local test database) each run gets its own schema, dropped afterwards, and every
// process its own data dir (nothing shared on disk). --workers 1,2: worker processes (separate from the API when
// more than one); each combination of engine × workers × latency is one run, all in this one invocation, so their
// figures compare. --worker-processes 1,2: MTS_WORKER_PROCESSES of each worker (default 1): a worker above 1 is a
// supervisor of that many child processes on one host, each with its share of MTS_IDA_CONCURRENCY (what a single
// deployment on a many-core machine runs), where --workers are separate worker deployments (replicas, each with
// the whole MTS_IDA_CONCURRENCY); the children's CPU and RSS are counted under `<worker>.<i>`.
// --cpu-prof writes a V8 CPU profile of each service process (kept in a printed dir) and adds a
// per-stage breakdown of their main threads' time (ingest, map, seal, build request, encrypt, sign, HTTP, verify,
// record answers, read pending, output, queue, api, GC, …: each sample goes to the innermost stage on its stack; see
// tools/bench/lib/cpu-profile.mjs). Every run reports cryptoFloorMsPerRecord (sign + OAEP encrypt + verify, measured in
// this process right before and right after the run: the mean of the two, both in cryptoFloorBeforeAfterMs),
// serviceCpuMsPerRecord (API and workers, sandbox excluded) and serviceCpuRatio (the two divided). It also reports
// idaCryptoFloorMsPerRecord (IDA's side: OAEP decrypt, verify, sign; 0 against --ida echo) and, when the sandbox shares
// the service's cores (no --service-cpus or --ida-cpus), cryptoCeilingRecordsPerSecond = cores / (both floors), the
// rate no run can pass on this machine, and shareOfCryptoCeiling, records/s as a share of it: a figure that compares
// across machines whose RSA speeds differ.
// --perf samples every thread of the service and the sandbox on-CPU with Linux perf (cpu-clock, JS frames named through
// node --perf-basic-prof) during the timed run, and adds `perf`: per process its CPU ms/record split by thread (main,
// libuv pool — where signing runs —, V8's GC and compiler helpers), and the service's main-thread stages. It counts
// CPU, where --cpu-prof's stages are main-thread wall time (see tools/bench/lib/perf-profile.mjs). Needs `perf`.
// --alloc-prof samples what the service's processes allocate on the JS heap during the timed run, dead objects
// included (V8's sampling heap profiler, preloaded by lib/alloc-sampler.mjs and switched on and off by signal), and
// adds `allocation`: per process the KB allocated per record and the sites that allocated most (four innermost frames,
// innermost first; see lib/alloc-profile.mjs). What a record allocates sets how often V8 collects garbage, so it is
// the measure of a change that removes copies or temporary strings. A worker supervisor's children inherit the
// preload and are sampled too (as `<worker>.<i>`).
// BENCH_LOG_LEVEL=info (with --verbose) shows the service's own logs; default warn.
// --repeat N runs the whole list of combinations N times over (interleaved, so a busy moment hits them alike) and
// adds `summary`: per combination the median (the lower middle one for an even count), lowest and highest records/s
// and service CPU per record.
//
// --ida echo answers the service from a stand-in that does no crypto (tools/bench/lib/echo-ida.mjs; the service then
// runs without a response certificate) instead of the sandbox, which costs as much CPU per record as the service: with
// --service-cpus and --ida-cpus (taskset(1) on every service process and on the IDA side, after the warm-up) the
// service's rate on one core and on two can be compared, as if IDA were on other machines.
//
// --warmup N (default 3000) first sends an untimed request of N records through the service, so the timed request
// meets warm processes, as a long-running service's requests do; --warmup 0 measures a cold start. 200 records (the
// default until 2026-12-07, and bench:auth's) left V8's optimising compiler busy through the timed run: --perf put
// 0.067 ms per record of the service's CPU and 0.063 of the sandbox's in it, against 0.022 and 0.010 after 3,000.
// --perf-keep DIR (with --perf) keeps each run's perf data, the JS symbol maps (the sandbox's too, unless --ida echo)
// and pids.json in a folder of DIR named after the run, for `perf report`.
// --compare-auth runs bench:auth (same concurrency as the worker's default, 48) right before and right after each
// L = 0 run and reports the service's records/s as a share of their mean: on a shared machine the two must be
// measured together to be compared.
//
// The last line printed is one JSON object with every figure.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { finished } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { buildIfNeeded, startStack } from '../scripts/start.mjs';
import { allocationSummary, allocProfFlags, toggleAllocSampling } from './lib/alloc-profile.mjs';
import { cryptoFloorMsPerRecord, idaCryptoFloorMsPerRecord, stageBreakdown } from './lib/cpu-profile.mjs';
import { startEchoIda } from './lib/echo-ida.mjs';
import { keepPerf, perfAvailable, perfBreakdown, startPerf } from './lib/perf-profile.mjs';
import { pinToCpus } from './lib/taskset.mjs';

const { values: opts } = parseArgs({
  options: {
    n: { type: 'string', default: '10000' },
    latency: { type: 'string', default: '0,50' },
    input: { type: 'string', default: 'json' },
    output: { type: 'string', default: 'csv' },
    identities: { type: 'string', default: '1000' },
    verbose: { type: 'boolean', default: false },
    warmup: { type: 'string', default: '3000' },
    'compare-auth': { type: 'boolean', default: false },
    engine: { type: 'string', default: 'sqlite' },
    'cpu-prof': { type: 'boolean', default: false },
    'alloc-prof': { type: 'boolean', default: false },
    perf: { type: 'boolean', default: false },
    'perf-keep': { type: 'string' },
    workers: { type: 'string', default: '1' },
    concurrency: { type: 'string' },
    'worker-processes': { type: 'string', default: '1' },
    ida: { type: 'string', default: 'sandbox' },
    'service-cpus': { type: 'string' },
    'ida-cpus': { type: 'string' },
    repeat: { type: 'string', default: '1' },
  },
});

/** The worker's environment for --concurrency. */
function concurrencyEnv(value) {
  if (value === undefined) return {};
  if (value === 'adaptive') return { MTS_IDA_CONCURRENCY_MODE: 'adaptive' };
  const fixed = /^fixed:(\d+)$/.exec(value);
  if (fixed && Number(fixed[1]) >= 1) return { MTS_IDA_CONCURRENCY_MODE: 'fixed', MTS_IDA_CONCURRENCY: fixed[1] };
  throw new Error(`--concurrency: fixed:N or adaptive, not ${value}`);
}
const idaEnv = concurrencyEnv(opts.concurrency);

/** mts_worker_ida_concurrency_limit from a /metrics page, or null when it is not there. */
async function limitAt(metricsUrl) {
  const text = await fetch(metricsUrl).then((r) => (r.ok ? r.text() : ''), () => '');
  const m = /^mts_worker_ida_concurrency_limit(?:\{[^}]*\})? (\d+(?:\.\d+)?)$/m.exec(text);
  return m ? Number(m[1]) : null;
}

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

// utime + stime of a process in ms (clock ticks are 100/s on Linux).
function cpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

/** The pids whose parent is `pid` (a supervising worker's children), from /proc. */
function childPids(pid) {
  const found = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (Number(readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1].split(' ')[1]) === pid) found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found.sort((a, b) => a - b);
}

function rssKb(pid, field) {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** MTS-shaped people from the sandbox's identity store (UIN as vid; active, unlocked identities only). */
function peopleFrom(identitiesPath) {
  const raw = JSON.parse(readFileSync(identitiesPath, 'utf8'));
  const list = (Array.isArray(raw) ? raw : raw.identities ?? Object.values(raw)).filter((i) => i.status === 'ACTIVATED' && !i.demoAuthLocked);
  if (list.length === 0) throw new Error('bench: no usable identities in the sandbox store');
  const eng = (v) => (Array.isArray(v) ? v.find((x) => x.language === 'eng')?.value : typeof v === 'string' ? v : undefined);
  const people = list.map((i) => {
    const a = i.attributes;
    const address = ['addressLine1', 'addressLine2', 'addressLine3', 'city', 'region', 'province', 'postalCode'].map((k) => eng(a[k])).filter(Boolean);
    return { vid: i.uin, name: eng(a.fullName), gender: eng(a.gender), dob: a.dateOfBirth, fullAddress: address.join(', ') };
  });
  return people;
}

/** N records, the sandbox's people over and over. */
function recordsFrom(identitiesPath, n) {
  const people = peopleFrom(identitiesPath);
  return Array.from({ length: n }, (_, k) => people[k % people.length]);
}

const CSV_COLUMNS = ['vid', 'name', 'gender', 'dob', 'fullAddress'];
const csvField = (v) => (v === undefined || v === null ? '' : /[",\r\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));

/**
 * Writes the body of a submission of N records to `path`, a record at a time (never the whole body in memory):
 * the JSON envelope with the records in request.authdata, or the CSV file of the same records.
 */
async function writeBody(path, identitiesPath, n, input, envelopeHead) {
  const people = peopleFrom(identitiesPath);
  const out = createWriteStream(path);
  let buf = '';
  const put = async (text) => {
    buf += text;
    if (buf.length >= 1 << 16) {
      if (!out.write(buf)) await new Promise((r) => out.once('drain', r));
      buf = '';
    }
  };
  if (input === 'csv') {
    await put(`${CSV_COLUMNS.join(',')}\n`);
    for (let k = 0; k < n; k++) await put(`${CSV_COLUMNS.map((c) => csvField(people[k % people.length][c])).join(',')}\n`);
  } else {
    // The envelope with an empty authdata, split open where the records go.
    const head = JSON.stringify(envelopeHead([]));
    const at = head.indexOf('"authdata":[]') + '"authdata":['.length;
    await put(head.slice(0, at));
    for (let k = 0; k < n; k++) await put((k ? ',' : '') + JSON.stringify(people[k % people.length]));
    await put(head.slice(at));
  }
  out.end(buf);
  await finished(out);
}

/**
 * Streams the body file to POST authtoken/json or (multipart) authtoken/csv with node:http, so the moment the last
 * byte is handed to the socket is known. Resolves with the reply and the times (performance.now()) of the first
 * and last byte sent and of the reply.
 */
function submitFile(apiUrl, path, input, envelopeText) {
  const size = statSync(path).size;
  const boundary = `----bench${randomBytes(8).toString('hex')}`;
  const preamble = input === 'csv'
    ? Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="request"\r\ncontent-type: application/json\r\n\r\n${envelopeText}\r\n` +
      `--${boundary}\r\ncontent-disposition: form-data; name="csv_file"; filename="people.csv"\r\ncontent-type: text/csv\r\n\r\n`)
    : Buffer.alloc(0);
  const epilogue = input === 'csv' ? Buffer.from(`\r\n--${boundary}--\r\n`) : Buffer.alloc(0);
  const url = new URL(`/authtoken/${input}`, apiUrl);
  return new Promise((resolve, reject) => {
    const times = { start: performance.now(), lastByte: 0, reply: 0 };
    const req = httpRequest(url, {
      method: 'POST',
      headers: {
        'content-type': input === 'csv' ? `multipart/form-data; boundary=${boundary}` : 'application/json',
        'content-length': String(preamble.length + size + epilogue.length),
      },
    }, (res) => {
      times.reply = performance.now();
      let text = '';
      res.setEncoding('utf8').on('data', (c) => (text += c)).on('end', () => {
        try {
          resolve({ status: res.statusCode, body: JSON.parse(text), times });
        } catch {
          reject(new Error(`submission answered HTTP ${res.statusCode} without JSON`));
        }
      }).on('error', reject);
    });
    req.on('error', reject);
    // 'finish': the last byte has been handed to the socket.
    req.on('finish', () => (times.lastByte = performance.now()));
    req.write(preamble);
    const file = createReadStream(path, { highWaterMark: 1 << 16 });
    file.on('error', (e) => req.destroy(e));
    file.on('end', () => req.end(epilogue));
    file.pipe(req, { end: false });
  });
}

/**
 * Reads the output as a stream and counts the records with a token (CSV: rows with status processed; JSON: objects
 * with "status":"processed"), so a million rows are never one string here. Resolves with { tokens, bytes }.
 */
async function countTokens(res, output) {
  const decoder = new TextDecoder();
  let tokens = 0;
  let bytes = 0;
  let carry = '';
  const needle = output === 'csv' ? ',processed,' : '"status":"processed"';
  for await (const chunk of res.body) {
    bytes += chunk.length;
    const text = carry + decoder.decode(chunk, { stream: true });
    // CSV: whole lines only (a needle never spans two); JSON: keep a needle's length minus one for the next chunk.
    const cut = output === 'csv' ? text.lastIndexOf('\n') + 1 : Math.max(0, text.length - needle.length + 1);
    for (let at = text.indexOf(needle); at !== -1 && at < cut; at = text.indexOf(needle, at + needle.length)) tokens++;
    carry = text.slice(cut);
  }
  carry += decoder.decode();
  for (let at = carry.indexOf(needle); at !== -1; at = carry.indexOf(needle, at + needle.length)) tokens++;
  return { tokens, bytes };
}

async function submitAndDownload(apiUrl, body) {
  const res = await fetch(`${apiUrl}/authtoken/json`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const id = (await res.json()).response?.request_identifier;
  if (!id) throw new Error(`warm-up submission refused: HTTP ${res.status}`);
  while (!/^(processed|error_)/.test((await (await fetch(`${apiUrl}/authtoken/status/${id}`)).json()).response.status)) {
    await new Promise((r) => setTimeout(r, 100));
  }
  await (await fetch(`${apiUrl}/authtoken/file/${id}`)).arrayBuffer();
}

/**
 * A JSON body of N records is about 170 bytes a record: past ~3,000,000 records that is over the API's default
 * MTS_MAX_JSON_BYTES (512 MiB), so --input json raises it to fit.
 */
const jsonLimitEnv = (n) => (opts.input === 'json' && n * 256 > 512 * 2 ** 20 ? { MTS_MAX_JSON_BYTES: String(n * 256) } : {});

const PG_URL = process.env.MTS_BENCH_PG_URL || 'postgresql://postgres@127.0.0.1:5432/test';

function psql(sql) {
  const r = spawnSync('psql', [PG_URL, '-v', 'ON_ERROR_STOP=1', '-qc', sql], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`psql: ${r.stderr.trim()}`);
}

async function runOnce(latencyMs, n, engine, workers, workerProcesses) {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-seed-'));
  const print = opts.verbose ? (l) => process.stderr.write(`${l}\n`) : (l) => /"level":"(error|warn)"|Error|exited/.test(l) && process.stderr.write(`${l}\n`);
  const schema = engine === 'postgres' ? `bench_${randomBytes(4).toString('hex')}` : undefined;
  const engineEnv = schema ? { MTS_DATABASE_URL: PG_URL, MTS_DATABASE_SCHEMA: schema, MTS_DATA_KEY: randomBytes(32).toString('base64') } : {};
  const profDir = opts['cpu-prof'] ? mkdtempSync(join(tmpdir(), 'bench-prof-')) : undefined;
  const allocDir = opts['alloc-prof'] ? mkdtempSync(join(tmpdir(), 'bench-alloc-')) : undefined;
  const apart = workers > 1 || workerProcesses > 1 || process.env.MTS_SEPARATE_PROCESSES === 'true';
  // Apart, each worker serves its own /metrics (the limit is per process); together, the API's has the worker's.
  const workerPorts = {};
  if (apart) for (let i = 0; i < workers; i++) workerPorts[i === 0 ? 'worker' : `worker-${i + 1}`] = await freePort();
  // The echo stand-in replaces the sandbox as the service's IDA; the sandbox still provides the keys and identities.
  const echo = opts.ida === 'echo' ? await startEchoIda({ latencyMs }) : undefined;
  const echoEnv = echo ? { TOKENSEEDER_MOSIP_AUTH_SERVER__IDA_AUTH_URL: echo.url, TOKENSEEDER_CRYPTO_SIGNATURE__RESPONSE_CERT_PATH: '' } : {};
  const stack = await startStack({
    workerEnv: (name) => (apart ? { MTS_WORKER_HTTP_PORT: String(workerPorts[name]), MTS_WORKER_HTTP_HOST: '127.0.0.1' } : {}),
    dataDir, latencyMs, port: await freePort(), identityCount: Number(opts.identities), print, workers, ownDataDirs: engine === 'postgres', workerProcesses,
    nodeFlags: [...(profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : []), ...(opts.perf ? ['--perf-basic-prof'] : []), ...(allocDir ? allocProfFlags() : [])],
    sandboxNodeFlags: opts['perf-keep'] && opts.ida === 'sandbox' ? ['--perf-basic-prof'] : [],
    env: { MTS_LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn', TOKENSEEDER_CLEANUP__ENABLED: 'false', ...(allocDir ? { MTS_BENCH_ALLOC_DIR: allocDir } : {}), ...idaEnv, ...jsonLimitEnv(n), ...engineEnv, ...echoEnv },
  }).catch(async (error) => {
    await echo?.close();
    throw error;
  });
  // `sandbox` is the IDA side, whichever answers.
  const idaPid = echo ? echo.pid : stack.children['ida-sandbox'].pid;
  let pids = stack.children.service
    ? { service: stack.children.service.pid, sandbox: idaPid }
    : {
        api: stack.children.api.pid,
        ...Object.fromEntries(stack.workerNames.map((name) => [name, stack.children[name].pid])),
        sandbox: idaPid,
      };
  let perfFile;
  let perf;
  let cpu0 = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpuMs(pid)]));
  let peakSumKb = 0;
  // RSS split: anonymous (heaps: V8's and native, e.g. SQLite's page cache) and file-backed (code, mapped files).
  const anonKb = {};
  const fileKb = {};
  const sampler = setInterval(() => {
    peakSumKb = Math.max(peakSumKb, Object.entries(pids).reduce((sum, [k, pid]) => sum + (k === 'sandbox' ? 0 : rssKb(pid, 'VmRSS')), 0));
    for (const [k, pid] of Object.entries(pids)) {
      if (k === 'sandbox') continue;
      anonKb[k] = Math.max(anonKb[k] ?? 0, rssKb(pid, 'RssAnon'));
      fileKb[k] = Math.max(fileKb[k] ?? 0, rssKb(pid, 'RssFile'));
    }
  }, 50);
  // The API process's V8 heap from its /metrics every 5 s (the whole service when API and worker share a process):
  // the old space must stay well inside --max-old-space-size, or a large request is a crash, not just RSS.
  const heap = { usedMb: 0, oldMb: 0, totalMb: 0, externalMb: 0 };
  // SQLite's write-ahead log: if checkpoints cannot keep up it grows with N, and every page read looks through it.
  let walBytes = 0;
  const heapSampler = setInterval(() => {
    if (engine === 'sqlite') walBytes = Math.max(walBytes, statSync(join(dataDir, 'seeder.sqlite-wal'), { throwIfNoEntry: false })?.size ?? 0);
    fetch(`${stack.apiUrl}/metrics`).then((r) => r.text()).then((text) => {
      const mb = (re) => Math.round(Number(re.exec(text)?.[1] ?? 0) / 2 ** 20);
      heap.usedMb = Math.max(heap.usedMb, mb(/^nodejs_heap_size_used_bytes (\S+)/m));
      heap.oldMb = Math.max(heap.oldMb, mb(/^nodejs_heap_space_size_used_bytes\{space="old"\} (\S+)/m));
      heap.totalMb = Math.max(heap.totalMb, mb(/^nodejs_heap_size_total_bytes (\S+)/m));
      heap.externalMb = Math.max(heap.externalMb, mb(/^nodejs_external_memory_bytes (\S+)/m));
    }, () => undefined);
  }, 5000);
  try {
    const envelope = (authdata) => JSON.stringify({
      id: 'mosip.token.seeder', version: '1.1.0', metadata: '', requesttime: new Date().toISOString(),
      request: { output: opts.output, deliverytype: 'download', authdata },
    });
    // A first request through the whole service (JIT, connections, caches), not timed: see --warmup above.
    const warmup = Number(opts.warmup);
    if (warmup > 0) await submitAndDownload(stack.apiUrl, envelope(recordsFrom(stack.sandbox.identitiesPath, warmup)));
    if (workerProcesses > 1) {
      // Each supervising worker's children, once all are up (the warm-up needed only one of them).
      for (const name of stack.workerNames) {
        const parent = stack.children[name].pid;
        for (let i = 0; childPids(parent).length < workerProcesses; i++) {
          if (i > 600) throw new Error(`${name}: ${workerProcesses} worker processes did not start within 60 s`);
          await new Promise((r) => setTimeout(r, 100));
        }
        pids = { ...pids, ...Object.fromEntries(childPids(parent).map((pid, i) => [`${name}.${i + 1}`, pid])) };
      }
    }
    for (const [k, pid] of Object.entries(pids)) {
      const cpus = k === 'sandbox' ? opts['ida-cpus'] : opts['service-cpus'];
      if (cpus !== undefined) pinToCpus(pid, cpus);
    }
    cpu0 = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpuMs(pid)]));
    // The body is written before the clock starts: what is timed is the upload and the service.
    const bodyPath = join(dataDir, `bench-body.${opts.input}`);
    await writeBody(bodyPath, stack.sandbox.identitiesPath, n, opts.input, (authdata) => JSON.parse(envelope(authdata)));
    // The CSV endpoint takes the envelope (without records) as the multipart field `request`.
    const csvEnvelope = JSON.stringify({ ...JSON.parse(envelope([])), request: { output: opts.output, deliverytype: 'download' } });
    perfFile = opts.perf ? join(dataDir, 'perf.data') : undefined;
    perf = perfFile ? startPerf(Object.values(pids), perfFile) : undefined;
    const servicePids = Object.fromEntries(Object.entries(pids).filter(([k]) => k !== 'sandbox'));
    if (allocDir) toggleAllocSampling(Object.values(servicePids));
    const t0 = performance.now();
    const { status: httpStatus, body: reply, times } = await submitFile(stack.apiUrl, bodyPath, opts.input, csvEnvelope);
    rmSync(bodyPath, { force: true });
    const idMs = times.reply - times.lastByte;
    const uploadMs = times.lastByte - times.start;
    const id = reply.response?.request_identifier;
    if (!id) throw new Error(`submission refused: HTTP ${httpStatus} ${JSON.stringify(reply.errors)}`);
    let status;
    // When the first and the last answer were recorded, and the output was ready, as the status polls saw them (to
    // 100 ms): the time before the first answer and after the last is each request's fixed cost.
    const phases = {};
    const since = () => Math.round(performance.now() - t0);
    for (;;) {
      status = (await (await fetch(`${stack.apiUrl}/authtoken/status/${id}`)).json()).response;
      const answered = (status.counts?.processed ?? 0) + (status.counts?.error ?? 0);
      if (answered > 0 && phases.firstAnswerMs === undefined) {
        phases.firstAnswerMs = since();
        phases.answeredAtFirst = answered;
      }
      if (answered + (status.counts?.invalid ?? 0) >= n && phases.lastAnswerMs === undefined) {
        phases.lastAnswerMs = since();
        phases.answeredAtLast = answered;
      }
      if (/^(processed|error_)/.test(status.status)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    phases.outputReadyMs = since();
    const file = await fetch(`${stack.apiUrl}/authtoken/file/${id}`);
    if (!file.ok) throw new Error(`download refused: HTTP ${file.status}`);
    const { tokens, bytes: downloadBytes } = await countTokens(file, opts.output);
    const seconds = (performance.now() - t0) / 1000;
    phases.downloadedMs = since();
    if (allocDir) toggleAllocSampling(Object.values(servicePids));
    await perf?.stop();
    perf = undefined;
    const limits = apart
      ? await Promise.all(Object.values(workerPorts).map((p) => limitAt(`http://127.0.0.1:${p}/metrics`)))
      : [await limitAt(`${stack.apiUrl}/metrics`)];
    // CPU per record is steadier than wall time on a shared 2-core machine: compare these between runs.
    const cpuPerRecordMs = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, Math.round(((cpuMs(pid) - cpu0[k]) / n) * 1000) / 1000]));
    const stats = await fetch(echo?.statsUrl ?? stack.sandbox.url.replace(/\/idauthentication\/.*$/, '/sandbox/stats')).then((r) => r.json(), () => null);
    const serviceCpuMsPerRecord = Math.round(Object.entries(cpuPerRecordMs).filter(([k]) => k !== 'sandbox').reduce((a, [, v]) => a + v, 0) * 1000) / 1000;
    return {
      engine, workers, workerProcesses, latencyMs, n, warmup: Number(opts.warmup), concurrency: opts.concurrency ?? 'default',
      ida: opts.ida, serviceCpus: opts['service-cpus'] ?? 'all', idaCpus: opts['ida-cpus'] ?? 'all',
      // One figure per worker process (one process: a number).
      idaConcurrencyLimit: limits.length === 1 ? limits[0] : limits, recordsPerSecond: Math.round(n / seconds), steadyRecordsPerSecond: steadyRate(phases),
      serviceCpuMsPerRecord,
      status: status.status, counts: status.counts, tokens,
      phases, input: opts.input, requestIdMs: Math.round(idMs), uploadMs: Math.round(uploadMs), seconds: Math.round(seconds * 1000) / 1000, recordsPerSec: Math.round((n / seconds) * 10) / 10,
      // VmHWM: each service process's own peak; sumSampled: the highest sum seen at one moment (sampled every 50 ms).
      peakRssMb: {
        ...Object.fromEntries(Object.entries(pids).filter(([k]) => k !== 'sandbox').map(([k, pid]) => [k, Math.round(rssKb(pid, 'VmHWM') / 1024)])),
        sumSampled: Math.round(peakSumKb / 1024),
      },
      peakRssAnonMb: Object.fromEntries(Object.entries(anonKb).map(([k, v]) => [k, Math.round(v / 1024)])),
      peakRssFileMb: Object.fromEntries(Object.entries(fileKb).map(([k, v]) => [k, Math.round(v / 1024)])),
      peakHeapUsedMb: { [stack.children.service ? 'service' : 'api']: { ...heap } },
      ...(engine === 'sqlite' ? { peakWalMb: Math.round(walBytes / 2 ** 20) } : {}),
      cpuPerRecordMs,
      idaRequests: stats?.requests ?? null, downloadBytes, profDir,
      ...(perfFile ? { perf: await perfBreakdown(perfFile, pids, n, Object.keys(pids).filter((k) => k !== 'sandbox')) } : {}),
      ...(allocDir ? { allocation: await allocationSummary(allocDir, servicePids, n) } : {}),
    };
  } finally {
    await perf?.stop().catch(() => undefined);
    if (opts['perf-keep'] && perfFile && existsSync(perfFile)) {
      // One folder per run, so a repeated or combined invocation keeps every run's data; a failure only warns.
      const runDir = join(opts['perf-keep'], `${engine}-w${workers}-p${workerProcesses}-L${latencyMs}-${++keptRuns}`);
      try {
        keepPerf(runDir, perfFile, pids);
      } catch (error) {
        process.stderr.write(`bench: perf data not kept in ${runDir} (${error.code ?? error.message})\n`);
      }
    }
    // --perf-basic-prof's symbol maps, one per process run with it.
    if (opts.perf) for (const pid of Object.values(pids)) rmSync(`/tmp/perf-${pid}.map`, { force: true });
    clearInterval(sampler);
    clearInterval(heapSampler);
    await stack.stop();
    await echo?.close();
    rmSync(dataDir, { recursive: true, force: true });
    if (allocDir) rmSync(allocDir, { recursive: true, force: true });
    if (schema) psql(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  }
}

/**
 * The rate between the first and the last answer the status polls saw, without each request's fixed cost before and
 * after (upload, acceptance, the first batch's write; the drain, the output): what a long request runs at. The polls'
 * 100 ms step makes it approximate; null when the polls saw no interval.
 */
function steadyRate(phases) {
  if (phases.firstAnswerMs === undefined || phases.lastAnswerMs === undefined) return null;
  const ms = phases.lastAnswerMs - phases.firstAnswerMs;
  return ms > 0 ? Math.round((phases.answeredAtLast - phases.answeredAtFirst) / (ms / 1000)) : null;
}

/** runOnce, plus the per-stage breakdown from the processes' CPU profiles (written as they exit) with --cpu-prof. */
async function measure(latencyMs, n, engine, workers, workerProcesses) {
  const r = await runOnce(latencyMs, n, engine, workers, workerProcesses);
  if (r.profDir) {
    r.stages = stageBreakdown(r.profDir);
    process.stderr.write(`bench: CPU profiles kept in ${r.profDir}\n`);
  }
  return r;
}

/** bench:auth alone (client + sandbox, no service) at the worker's default concurrency: its authentications/s. */
function authAlone(n) {
  const r = spawnSync(process.execPath, [join(import.meta.dirname, 'auth.mjs'), '--n', String(n), '--concurrency', '48'], { encoding: 'utf8' });
  const last = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !last.startsWith('{')) throw new Error(`bench:auth failed: ${r.stderr.slice(-500)}`);
  return JSON.parse(last).authPerSec;
}

if (!['json', 'csv'].includes(opts.input)) throw new Error(`--input: json or csv, not ${opts.input}`);
if (!['sandbox', 'echo'].includes(opts.ida)) throw new Error(`--ida: sandbox or echo, not ${opts.ida}`);
if (opts['perf-keep'] !== undefined && !opts.perf) throw new Error('--perf-keep keeps the data of --perf: give both');
let keptRuns = 0;
if (opts.perf && !(await perfAvailable())) throw new Error('--perf needs Linux perf (Debian: apt-get install linux-perf) and permission to sample (root, or kernel.perf_event_paranoid <= 1)');
buildIfNeeded((l) => process.stderr.write(`${l}\n`));
const n = Number(opts.n);
// The floor every record's crypto costs on one core, measured right before and right after each run on the same
// machine: on these shared hosts it drifts by a fifth within minutes, and a floor taken once for a --repeat series
// would be stale by its last run. Against the echo stand-in the service checks no response signature, so its floor
// has no verification either, and IDA's side (which the echo stand-in does not do) is 0.
const floors = () => ({
  service: cryptoFloorMsPerRecord({ verify: opts.ida !== 'echo' }),
  ida: opts.ida === 'echo' ? 0 : idaCryptoFloorMsPerRecord(),
});
/** The run's floor figures from the floors before and after it: their mean, the ratio, and the crypto ceiling. */
function floorFigures(r, before, after) {
  const mean = (k) => Math.round(((before[k] + after[k]) / 2) * 1000) / 1000;
  const floor = mean('service');
  const idaFloor = mean('ida');
  // With the sandbox on the same cores no run can pass cores / (floor + idaFloor) records/s, whatever its overheads.
  const ceiling = opts['service-cpus'] || opts['ida-cpus'] ? null : Math.round((availableParallelism() * 1000) / (floor + idaFloor));
  return {
    cryptoFloorMsPerRecord: floor, cryptoFloorBeforeAfterMs: [before.service, after.service],
    serviceCpuRatio: Math.round((r.serviceCpuMsPerRecord / floor) * 100) / 100,
    idaCryptoFloorMsPerRecord: idaFloor, cryptoCeilingRecordsPerSecond: ceiling,
    shareOfCryptoCeiling: ceiling === null ? null : Math.round((r.n / r.seconds / ceiling) * 1000) / 1000,
  };
}
const runs = [];
const engines = opts.engine === 'both' ? ['sqlite', 'postgres'] : opts.engine.split(',');
for (const e of engines) if (!['sqlite', 'postgres'].includes(e)) throw new Error(`--engine: sqlite, postgres or both, not ${e}`);
const list = (s) => s.split(',').map(Number);
const combos = engines.flatMap((engine) => list(opts.workers).flatMap((workers) => list(opts['worker-processes']).flatMap((workerProcesses) =>
  list(opts.latency).map((latency) => ({ engine, workers, workerProcesses, latency })))));
const repeat = Number(opts.repeat);
if (!(Number.isInteger(repeat) && repeat >= 1)) throw new Error('--repeat: a whole number of at least 1');
for (const { engine, workers, workerProcesses, latency } of Array.from({ length: repeat }, () => combos).flat()) {
  if (!(workerProcesses >= 1)) throw new Error('--worker-processes: numbers of at least 1');
  const compare = opts['compare-auth'] && latency === 0;
  const before = compare ? authAlone(Math.min(n, 6000)) : null;
  const floorsBefore = floors();
  const r = await measure(latency, n, engine, workers, workerProcesses);
  Object.assign(r, floorFigures(r, floorsBefore, floors()));
  if (compare) {
    const after = authAlone(Math.min(n, 6000));
    r.authAlonePerSec = [before, after];
    r.shareOfAuthAlone = Math.round((r.recordsPerSec / ((before + after) / 2)) * 1000) / 1000;
  }
  runs.push(r);
  console.log(`${r.engine} workers=${r.workers} worker-processes=${r.workerProcesses} L=${r.latencyMs} ms  N=${r.n} (${r.input}): uploaded in ${r.uploadMs} ms, id back ${r.requestIdMs} ms after the last byte; ${r.recordsPerSec} records/s (${r.seconds} s to full download; ${r.steadyRecordsPerSecond ?? '?'} records/s from the first answer to the last); ` +
    `IDA concurrency ${r.concurrency}, limit at the end ${JSON.stringify(r.idaConcurrencyLimit)}; peak RSS ${Object.entries(r.peakRssMb).map(([k, v]) => `${k} ${v} MB`).join(', ')}; ` +
    `(anonymous ${Object.entries(r.peakRssAnonMb).map(([k, v]) => `${k} ${v} MB`).join(', ')}); ` +
    `peak V8 heap ${Object.entries(r.peakHeapUsedMb).map(([k, v]) => `${k} used ${v.usedMb} MB (old space ${v.oldMb} MB) of ${v.totalMb} MB, external ${v.externalMb} MB`).join(', ')}; ` +
    `CPU ms/record ${Object.entries(r.cpuPerRecordMs).map(([k, v]) => `${k} ${v}`).join(', ')}; ${r.tokens} tokens, status ${r.status}` +
    (r.shareOfAuthAlone ? `; bench:auth alone ${r.authAlonePerSec.join(' / ')} auth/s, service at ${Math.round(r.shareOfAuthAlone * 100)} % of it` : '') +
    `; service ${r.serviceCpuMsPerRecord} ms CPU/record = ${r.serviceCpuRatio} × the crypto floor (${r.cryptoFloorMsPerRecord} ms)` +
    (r.cryptoCeilingRecordsPerSecond
      ? `; crypto ceiling ${r.cryptoCeilingRecordsPerSecond} records/s on these cores ` +
        (r.idaCryptoFloorMsPerRecord ? `with IDA's floor at ${r.idaCryptoFloorMsPerRecord} ms` : 'with an IDA stand-in that does no crypto') +
        ` (${Math.round(r.shareOfCryptoCeiling * 100)} % of it reached)`
      : ''));
  if (r.perf) {
    for (const [proc, p] of Object.entries(r.perf)) {
      console.log(`    perf ${proc}: ${p.cpuMsPerRecord} ms CPU/record = ${Object.entries(p.threads).map(([k, v]) => `${k} ${v}`).join(' + ')}`);
      for (const [stage, ms] of Object.entries(p.mainThreadStages ?? {})) console.log(`      main thread: ${stage.padEnd(30)} ${ms.toFixed(3)} ms/record`);
      for (const [component, ms] of Object.entries(p.mainThreadComponents ?? {})) console.log(`      main thread, by component: ${component.padEnd(58)} ${ms.toFixed(3)} ms/record`);
    }
  }
  if (r.stages) {
    for (const [stage, { ms, share }] of Object.entries(r.stages.stages)) console.log(`    ${stage.padEnd(26)} ${String(ms).padStart(7)} ms  ${(share * 100).toFixed(1).padStart(5)} %  ${(ms / (r.n + r.warmup)).toFixed(3)} ms/record`);
  }
}
/** Per combination of a repeated list: median, lowest and highest of records/s, service CPU per record, its ratio to the floor and the share of the crypto ceiling. */
function summarise(all) {
  const spread = (values) => {
    if (values.length === 0) return { median: null, min: null, max: null };
    const v = [...values].sort((a, b) => a - b);
    return { median: v[Math.floor((v.length - 1) / 2)], min: v[0], max: v[v.length - 1] };
  };
  return combos.map(({ engine, workers, workerProcesses, latency }) => {
    const mine = all.filter((r) => r.engine === engine && r.workers === workers && r.workerProcesses === workerProcesses && r.latencyMs === latency);
    return {
      engine, workers, workerProcesses, latencyMs: latency, runs: mine.length,
      recordsPerSecond: spread(mine.map((r) => r.recordsPerSecond)),
      // Runs without a steady rate (answered within one poll) are left out; null when none has one.
      steadyRecordsPerSecond: spread(mine.map((r) => r.steadyRecordsPerSecond).filter(Number.isFinite)),
      serviceCpuMsPerRecord: spread(mine.map((r) => r.serviceCpuMsPerRecord)),
      serviceCpuRatio: spread(mine.map((r) => r.serviceCpuRatio)),
      shareOfCryptoCeiling: spread(mine.map((r) => r.shareOfCryptoCeiling).filter(Number.isFinite)),
    };
  });
}
const summary = repeat > 1 ? summarise(runs) : undefined;
for (const c of summary ?? []) {
  console.log(`${c.engine} workers=${c.workers} worker-processes=${c.workerProcesses} L=${c.latencyMs} ms over ${c.runs} runs: records/s median ${c.recordsPerSecond.median} ` +
    `(${c.recordsPerSecond.min}–${c.recordsPerSecond.max}), steady median ${c.steadyRecordsPerSecond.median ?? '?'} (${c.steadyRecordsPerSecond.min ?? '?'}–${c.steadyRecordsPerSecond.max ?? '?'}), service CPU ms/record median ${c.serviceCpuMsPerRecord.median} (${c.serviceCpuMsPerRecord.min}–${c.serviceCpuMsPerRecord.max}), ` +
    `ratio median ${c.serviceCpuRatio.median} (${c.serviceCpuRatio.min}–${c.serviceCpuRatio.max})` +
    (c.shareOfCryptoCeiling.median === null ? '' : `, share of the crypto ceiling median ${c.shareOfCryptoCeiling.median} (${c.shareOfCryptoCeiling.min}–${c.shareOfCryptoCeiling.max})`));
}
console.log(JSON.stringify({ bench: 'seed', input: opts.input, output: opts.output, runs, ...(summary ? { summary } : {}) }));
