// Helpers for bench:seed's speed figures: the crypto floor measured on this machine, and a per-stage breakdown of a
// service's CPU from the V8 profiles that `node --cpu-prof` writes.
import { constants, createPrivateKey, createPublicKey, generateKeyPairSync, publicEncrypt, randomBytes, sign, verify } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What one record costs in unavoidable crypto, on this machine now: one RSA-2048 PKCS#1 v1.5 SHA-256 signature (the
 * request's JWS), one RSA-OAEP-SHA256 encryption (the session key for IDA) and one signature check (IDA's response),
 * synchronously on one core. Median of `rounds` batches of `perRound` records, in ms per record.
 */
export function cryptoFloorMsPerRecord({ rounds = 5, perRound = 200 } = {}) {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const priv = createPrivateKey(privateKey.export({ type: 'pkcs8', format: 'pem' }));
  const pub = createPublicKey(publicKey.export({ type: 'spki', format: 'pem' }));
  const body = randomBytes(1200); // about a request's size
  const sessionKey = randomBytes(32);
  const signature = sign('sha256', body, priv);
  const times = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < perRound; i++) {
      sign('sha256', body, priv);
      publicEncrypt({ key: pub, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, sessionKey);
      verify('sha256', body, pub, signature);
    }
    times.push(Number(process.hrtime.bigint() - t0) / 1e6 / perRound);
  }
  times.sort((a, b) => a - b);
  return Math.round(times[Math.floor(times.length / 2)] * 1000) / 1000;
}

// Where a function's code lives → the stage it belongs to; the first match wins, so the specific come first.
const STAGES = [
  ['start-up (loading modules)', /internal\/modules\/|internal\/bootstrap\/|cjs-module-lexer/],
  ['crypto', /libs\/crypto\/|node:crypto|internal\/crypto|node-jose|node-forge/],
  ['authenticator', /libs\/authenticator\//],
  ['http client', /undici|internal\/deps\/undici|node:_http|_http_|node:net|internal\/stream_base|node:tls/],
  ['store', /libs\/store\/|better-sqlite3|node_modules\/pg|typeorm/],
  ['queue', /agenda|libs\/agenda-sqlite/],
  ['ingest (parse)', /libs\/parsers\/|papaparse/],
  ['map + template + write', /libs\/field-mapping\/|libs\/jq\//],
  ['worker', /apps\/worker\//],
  ['api', /apps\/api\/|express|multer|body-parser/],
  ['logging', /winston|logform|libs\/service-kit\/(src|dist)\/lib\/logger/],
];
// V8's own JSON functions have no url: known by name; so are the file-system bindings module loading uses.
const JSON_BUILTINS = new Set(['JSON.parse', 'JSON.stringify', 'parse', 'stringify']);
const LOADING_BUILTINS = new Set(['readFileUtf8', 'internalModuleStat', 'internalModuleReadJSON', 'lstat', 'fstat', 'realpathSync', 'compileFunction']);

function stageOf(frame) {
  const name = frame.functionName;
  if (name === '(garbage collector)') return 'gc';
  if (name === '(idle)' || name === '(program)' || name === '(root)') return null;
  if (frame.url === '' && JSON_BUILTINS.has(name)) return 'json';
  if (frame.url === '' && LOADING_BUILTINS.has(name)) return 'start-up (loading modules)';
  if (frame.url === '' && name === 'writev') return 'http client';
  for (const [stage, re] of STAGES) if (re.test(frame.url)) return stage;
  return frame.url.startsWith('node:') || frame.url === '' ? 'node internals (other)' : 'other';
}

/**
 * Self time per stage, in ms, summed over every `.cpuprofile` in `dir` (one per process that exited cleanly),
 * idle and the profiler's own time left out. A function's self time goes to the stage of its own code, so time in
 * Node's crypto bindings called from the authenticator counts as crypto.
 */
export function stageBreakdown(dir) {
  const totals = {};
  let files = 0;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
    files++;
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    const stageById = new Map(profile.nodes.map((n) => [n.id, stageOf(n.callFrame)]));
    // samples[i] was taken timeDeltas[i + 1] µs before the next one: the usual attribution of a sample's interval.
    for (let i = 0; i < profile.samples.length; i++) {
      const stage = stageById.get(profile.samples[i]);
      if (!stage) continue;
      const dt = profile.timeDeltas[i + 1] ?? 0;
      totals[stage] = (totals[stage] ?? 0) + dt / 1000;
    }
  }
  const sum = Object.values(totals).reduce((a, b) => a + b, 0);
  const stages = Object.fromEntries(
    Object.entries(totals)
      .sort((a, b) => b[1] - a[1])
      .map(([k, ms]) => [k, { ms: Math.round(ms), share: Math.round((ms / sum) * 1000) / 1000 }]),
  );
  return { profiles: files, totalMs: Math.round(sum), stages };
}
