// Helpers for bench:seed's speed figures: the crypto floor measured on this machine, and a per-stage breakdown of a
// service's CPU from the V8 profiles that `node --cpu-prof` writes.
import { constants, createPrivateKey, createPublicKey, generateKeyPairSync, privateDecrypt, publicEncrypt, randomBytes, sign, verify } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What one record costs in unavoidable crypto, on this machine now: one RSA-2048 PKCS#1 v1.5 SHA-256 signature (the
 * request's JWS), one RSA-OAEP-SHA256 encryption (the session key for IDA) and one signature check (IDA's response),
 * synchronously on one core. Median of `rounds` batches of `perRound` records, in ms per record. `verify: false`
 * leaves the check out, for a service that has no response certificate (bench:seed --ida echo).
 */
export function cryptoFloorMsPerRecord({ rounds = 5, perRound = 200, verify: withVerify = true } = {}) {
  const { priv, pub, body, sessionKey, signature } = floorMaterial();
  return medianMsPerRecord(rounds, perRound, () => {
    sign('sha256', body, priv);
    publicEncrypt({ key: pub, ...OAEP }, sessionKey);
    if (withVerify) verify('sha256', body, pub, signature);
  });
}

/**
 * The same for IDA's side of one record, which the sandbox pays on the same machine in bench:seed's default set-up:
 * one RSA-OAEP-SHA256 decryption of the session key and one signature (the answer's), both with private keys, and one
 * signature check (the request's). Synchronously on one core, median ms per record as above.
 */
export function idaCryptoFloorMsPerRecord({ rounds = 5, perRound = 200 } = {}) {
  const { priv, pub, body, sessionKey, signature, wrapped } = floorMaterial();
  return medianMsPerRecord(rounds, perRound, () => {
    privateDecrypt({ key: priv, ...OAEP }, wrapped);
    verify('sha256', body, pub, signature);
    sign('sha256', body, priv);
  });
}

const OAEP = { padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' };
let material;

/** A key pair and a request-sized body, made once per process: bench:seed measures both floors around every run. */
function floorMaterial() {
  if (material) return material;
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const priv = createPrivateKey(privateKey.export({ type: 'pkcs8', format: 'pem' }));
  const pub = createPublicKey(publicKey.export({ type: 'spki', format: 'pem' }));
  const body = randomBytes(1200); // about a request's size
  const sessionKey = randomBytes(32);
  const wrapped = publicEncrypt({ key: pub, ...OAEP }, sessionKey);
  material = { priv, pub, body, sessionKey, wrapped, signature: sign('sha256', body, priv) };
  return material;
}

function medianMsPerRecord(rounds, perRound, once) {
  const times = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < perRound; i++) once();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6 / perRound);
  }
  times.sort((a, b) => a - b);
  return Math.round(times[Math.floor(times.length / 2)] * 1000) / 1000;
}

// The pipeline's stages, known by the functions on a sample's stack: the innermost frame that names a stage wins,
// so the RSA-OAEP wrap inside buildAuthRequest counts as encrypt, the sealing inside recordAnswers as seal, and
// SQLite under recordAnswers as record. A sample with no stage frame on its stack falls back to where its own code
// lives (LOCATIONS). Each rule: [stage, function-name test or null, url test or null].
const STACK_STAGES = [
  ['start-up (loading modules)', null, /internal\/modules\/|internal\/bootstrap\/|cjs-module-lexer/],
  ['sign', /^(signOneShot|sign|signSync)$/, /libs\/crypto\/.*jws|internal\/crypto\/sig/],
  ['verify', /^(verifyDetachedJws|verifyOneShot|checkSignature)$/, null],
  ['encrypt', /^(rsaOaepWrap|publicEncrypt|aesGcmEncrypt|sha256UpperHex)$/, null],
  ['seal (PII at rest)', /^(sealValue|openValue|sealNewRecord|sealAnswer)$/, null],
  ['seal (PII at rest)', null, /libs\/store\/(src|dist)\/lib\/(file-cipher|value-cipher|data-key)/],
  ['build request', /^(buildAuthRequest|toTransactionId)$/, null],
  ['HTTP', null, /undici|node:_http|_http_|internal\/stream_base|node:net|http-transport/],
  ['verify', /^readIdaAnswer$/, null],
  ['record answers', /^(recordAnswers|answerBatch|recordAnswer)$/, null],
  ['record answers', null, /batch-writer/],
  ['read pending', /^pendingRecords$/, null],
  ['map', null, /libs\/field-mapping\/(src|dist)\/lib\/(record-mapper|field-path|dob)/],
  ['ingest', null, /apps\/worker\/(src|dist)\/lib\/jobs\/ingest|libs\/parsers\/|papaparse|libs\/connectors\/(src|dist)\/lib\/sources/],
  ['output', /^(indexDuplicates|erasePii)$/, null],
  ['output', null, /apps\/worker\/(src|dist)\/lib\/jobs\/deliver|libs\/field-mapping\/|libs\/jq\/|duplicates/],
  ['queue', null, /agenda|libs\/agenda-sqlite/],
  ['api', null, /apps\/api\/|express|multer|body-parser/],
  ['logging', null, /winston|logform|libs\/service-kit\/(src|dist)\/lib\/logger/],
  ['metrics', null, /prom-client|apps\/worker\/(src|dist)\/lib\/metrics/],
];
// Where a function's own code lives, for samples whose stack names no stage.
const LOCATIONS = [
  ['crypto (other)', /libs\/crypto\/|node:crypto|internal\/crypto|node-jose|node-forge/],
  ['authenticator (other)', /libs\/authenticator\//],
  ['store (other)', /libs\/store\/|better-sqlite3|node_modules\/pg|typeorm/],
  ['worker (other)', /apps\/worker\//],
];
// V8's own JSON functions have no url: known by name; so are the file-system bindings module loading uses.
const JSON_BUILTINS = new Set(['JSON.parse', 'JSON.stringify', 'parse', 'stringify']);
const LOADING_BUILTINS = new Set(['readFileUtf8', 'internalModuleStat', 'internalModuleReadJSON', 'lstat', 'fstat', 'realpathSync', 'compileFunction']);

/** The stage a stack frame `{ functionName, url }` names, or null (the rules above; shared with perf-profile.mjs). */
export function stackStage(frame) {
  for (const [stage, name, url] of STACK_STAGES) {
    if ((name === null || name.test(frame.functionName)) && (url === null || url.test(frame.url))) return stage;
  }
  return null;
}

/** Where a frame's own code lives, for a stack that names no stage. */
export function ownStage(frame) {
  const name = frame.functionName;
  if (name === '(garbage collector)') return 'gc';
  if (frame.url === '' && JSON_BUILTINS.has(name)) return 'json (other)';
  if (frame.url === '' && LOADING_BUILTINS.has(name)) return 'start-up (loading modules)';
  if (frame.url === '' && name === 'writev') return 'HTTP';
  for (const [stage, re] of LOCATIONS) if (re.test(frame.url)) return stage;
  return frame.url.startsWith('node:') || frame.url === '' ? 'node internals (other)' : 'other';
}

/**
 * Time per pipeline stage (ingest, map, seal, build request, encrypt, sign, HTTP, verify, record answers, output,
 * …), in ms, summed over every `.cpuprofile` in `dir` (one per process that exited cleanly); idle and the
 * profiler's own time left out. V8 samples the main thread's wall clock: time the thread spent preempted by other
 * processes counts against whatever it was running, so compare shares between runs on an equally loaded machine.
 * Signing on the libuv pool is not sampled; its dispatch is (`sign`).
 */
export function stageBreakdown(dir) {
  const totals = {};
  let files = 0;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
    files++;
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
    const parent = new Map();
    for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    const stageById = new Map();
    const stageOf = (id) => {
      if (stageById.has(id)) return stageById.get(id);
      const frame = nodes.get(id).callFrame;
      let stage;
      if (frame.functionName === '(idle)' || frame.functionName === '(program)' || frame.functionName === '(root)') stage = null;
      else if (frame.functionName === '(garbage collector)') stage = 'gc';
      else {
        for (let at = id; at !== undefined && !stage; at = parent.get(at)) stage = stackStage(nodes.get(at).callFrame);
        stage ??= ownStage(frame);
      }
      stageById.set(id, stage);
      return stage;
    };
    // samples[i] was taken timeDeltas[i + 1] µs before the next one: the usual attribution of a sample's interval.
    for (let i = 0; i < profile.samples.length; i++) {
      const stage = stageOf(profile.samples[i]);
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
