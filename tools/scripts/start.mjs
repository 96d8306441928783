#!/usr/bin/env node
// `npm start`: the embedded default. Builds if needed, then runs the IDA sandbox (keys, partner .p12 and demo
// identities generated into data/ida-sandbox) and the service: the API on $PORT (default 8080) and the worker, in one
// process (tools/scripts/service.mjs), or in two with MTS_SEPARATE_PROCESSES=true (or MTS_WORKER_PROCESSES other than 1:
// the worker then runs as that many processes under a supervisor); all on one data dir (./data:
// SQLite, encrypted files, data key). Logs are prefixed per process; Ctrl-C stops them all. The demo adds local
// stand-ins for the pulled sources and the WebSub hub (Sheets, Form.io, ODK Central) and prints a runnable command
// for each input and delivery, and for mts-auth / mts-seed with the sandbox's partner settings (written to
// <data dir>/ida-sandbox/partner.env, mode 0600). The ports are checked first: a taken one stops it before anything
// starts, naming the variable to change.
//
//   npm start                      PORT=9000 npm start          IDA_LATENCY_MS=50 npm start
//   MTS_SANDBOX_PORT=8090 npm start   (the IDA sandbox on a fixed port; by default a free one, new each run)
//
// Also a module: tools/bench/seed.mjs uses startStack() to run the same processes on a temp dir.
import { fork, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { assertPortsFree, DEMO_ODK, DEMO_ODK_MAPPING, demoOdkSeed, displayPath, portFromEnv, shellQuote, writePartnerEnv } from './start-local.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SELF = fileURLToPath(import.meta.url);
const SERVICE = join(dirname(SELF), 'service.mjs');
const MAINS = { api: join(ROOT, 'apps/api/dist/main.js'), worker: join(ROOT, 'apps/worker/dist/main.js'), sandbox: join(ROOT, 'apps/ida-sandbox/dist/index.js') };
/** The demo's stand-ins for the systems the new inputs and deliveries talk to (each prints its url as a JSON line). */
const STANDINS = {
  sheets: join(ROOT, 'apps/sheets-standin/dist/main.js'),
  formio: join(ROOT, 'apps/formio-standin/dist/main.js'),
  'websub-hub': join(ROOT, 'apps/websub-hub/dist/main.js'),
  odk: join(ROOT, 'apps/odk-standin/dist/main.js'),
};
/** Writes signed sample VCs of the sandbox's people and a whole POST authtoken/vc body (proofs checked). */
const VC_ISSUER = join(ROOT, 'apps/vc-issuer/dist/main.js');
/** The demo WebSub hub's topic and the token its publishers present (MOSIP's `Authorization` cookie). */
export const DEMO_HUB = Object.freeze({ topic: 'tokens', authToken: 'demo-hub-token' });

/** Runs `nx run-many -t build` when any entry point is missing. */
export function buildIfNeeded(log = console.log) {
  const missing = Object.entries({ ...MAINS, ...STANDINS, 'vc-issuer': VC_ISSUER }).filter(([, p]) => !existsSync(p));
  if (missing.length === 0) return;
  log(`building (missing ${missing.map(([n]) => n).join(', ')}) …`);
  const r = spawnSync('npx', ['nx', 'run-many', '-t', 'build', '--output-style=static'], {
    cwd: ROOT, stdio: 'inherit', env: { ...process.env, NX_NO_CLOUD: 'true', NX_DAEMON: 'false' },
  });
  if (r.status !== 0) throw new Error('build failed');
}

function pipeLines(stream, prefix, sink) {
  if (!stream) return;
  createInterface({ input: stream }).on('line', (line) => sink(`${prefix} ${line}`));
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts sandbox, worker and API as child processes.
 * @returns {{ apiUrl, sandbox, children: { sandbox, worker, api }, stop(): Promise<void>, exited: Promise<{ name, code }> }}
 */
export async function startStack(options = {}) {
  const {
    dataDir = join(ROOT, 'data'), sandboxDataDir = join(dataDir, 'ida-sandbox'), port = 8080, latencyMs = 0,
    identityCount, env = {}, print = console.log, sandboxPort = 0,
    // API and worker in one process (the default), or in two.
    separate = process.env.MTS_SEPARATE_PROCESSES === 'true',
    // The Sheets, Form.io and WebSub hub stand-ins beside the sandbox (npm start's demo; benchmarks go without).
    standins = false,
    // Worker processes (more than one implies separate processes): `worker`, `worker-2`, … On PostgreSQL
    // (env.MTS_DATABASE_URL) they share nothing else; `ownDataDirs` gives each process its own data dir
    // (<dataDir>/<name>), as replicas on different hosts would have.
    workers = 1,
    ownDataDirs = false,
    // MTS_WORKER_PROCESSES of each worker process (a number or 'auto'; more than one implies separate processes, the
    // worker main then supervising that many children). Default: the environment's, else 1 (one process, as before).
    workerProcesses = process.env.MTS_WORKER_PROCESSES ?? '1',
    // Extra Node flags for the service's processes (bench:seed --cpu-prof passes --cpu-prof --cpu-prof-dir=…).
    nodeFlags = [],
    // Extra Node flags for the sandbox's process (bench:seed --perf-keep names its JS frames with --perf-basic-prof).
    sandboxNodeFlags = [],
    // Environment of one worker process by name, when they run apart (bench:seed gives each its metrics port).
    workerEnv = () => ({}),
  } = options;
  const workerNames = Array.from({ length: workers }, (_, i) => (i === 0 ? 'worker' : `worker-${i + 1}`));
  const apart = separate || workers > 1 || String(workerProcesses) !== '1';
  const apiHost = env.MTS_API_HOST ?? '127.0.0.1';
  // Before any child: readiness below is "something answers /ping on the port", which a process already there does.
  await assertPortsFree([
    { port, host: apiHost, variable: 'PORT', what: 'the API' },
    { port: sandboxPort, host: '127.0.0.1', variable: 'MTS_SANDBOX_PORT', what: 'the IDA sandbox' },
  ]);
  mkdirSync(sandboxDataDir, { recursive: true });
  const children = {};
  let stopping = false;
  let onExit;
  const exited = new Promise((r) => (onExit = r));
  const watch = (name, child) => {
    children[name] = child;
    pipeLines(child.stdout, `[${name}]`, print);
    pipeLines(child.stderr, `[${name}]`, print);
    child.on('exit', (code, signal) => {
      if (!stopping) onExit({ name, code: code ?? signal });
    });
  };

  async function stop() {
    if (stopping) return;
    stopping = true;
    // API first (no new requests), then the worker (drains), then IDA.
    for (const name of [...(apart ? ['api', ...workerNames] : ['service']), ...Object.keys(STANDINS), 'ida-sandbox']) {
      const child = children[name];
      if (!child || child.exitCode !== null || child.signalCode !== null) continue;
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await gone;
      clearTimeout(timer);
    }
  }
  try {
    return await startChildren();
  } catch (err) {
    await stop();
    throw err;
  }

  async function startChildren() {
    // The sandbox runs through its library API (startSandbox) in a forked copy of this script, so its url, partner
    // and the service's env for that partner (sandboxPartnerEnv) come back over IPC instead of being scraped from a log.
    const sandboxChild = fork(SELF, ['--sandbox-child'], {
      cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe', 'ipc'], execArgv: [...process.execArgv, ...sandboxNodeFlags],
      env: { ...process.env, SANDBOX_OPTIONS: JSON.stringify({ dataDir: sandboxDataDir, port: sandboxPort, host: '127.0.0.1', latencyMs, identityCount }) },
    });
    watch('ida-sandbox', sandboxChild);
    const sandbox = await new Promise((resolveReady, reject) => {
      sandboxChild.once('message', (m) => (m.type === 'ready' ? resolveReady(m) : reject(new Error(m.message))));
      sandboxChild.once('exit', (code) => reject(new Error(`ida-sandbox exited (${code}) before it was ready`)));
    });

    // The embedded demo's stand-ins (Sheets, Form.io, ODK, WebSub hub) live on this machine: the outbound policy that
    // refuses private addresses is off here unless asked for, and on by default everywhere else.
    const serviceEnv = {
      MTS_OUTBOUND_DENY_PRIVATE: 'false', ...process.env, ...sandbox.partnerEnv, MTS_DATA_DIR: dataDir,
      MTS_WORKER_PROCESSES: String(workerProcesses), ...env,
    };
    // A capped old space (the service streams; V8's lazy growth otherwise doubles RSS without using it) and an 8 MB
    // semi-space: 2 MB spent about 0.1 ms of GC per record, 16 MB added RSS for no gain (bench:seed, N=5000, L=0).
    const heapFlags = (process.env.MTS_NODE_HEAP_FLAGS ?? '--max-semi-space-size=8 --max-old-space-size=96').split(' ').filter(Boolean);
    const node = (name, main, extra) => {
      const own = ownDataDirs ? { MTS_DATA_DIR: join(dataDir, name) } : {};
      watch(name, spawn(process.execPath, [...heapFlags, ...nodeFlags, main], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...serviceEnv, ...own, ...extra } }));
    };
    const apiEnv = { PORT: String(port), MTS_API_HOST: apiHost };
    if (apart) {
      for (const name of workerNames) node(name, MAINS.worker, workerEnv(name));
      node('api', MAINS.api, apiEnv);
    } else {
      node('service', SERVICE, apiEnv);
      children.api = children.worker = children.service;
    }

    const demo = standins ? await startStandins(sandbox, dataDir) : {};

    const apiUrl = `http://127.0.0.1:${port}`;
    for (let i = 0; ; i++) {
      if (children.api.exitCode !== null) throw new Error('api exited during start-up');
      const ok = await fetch(`${apiUrl}/ping`).then((r) => r.ok, () => false);
      if (ok) break;
      if (i > 300) throw new Error('api did not answer /ping within 30 s');
      await sleep(100);
    }

    return { apiUrl, sandbox, children, workerNames, stop, exited, standins: demo };
  }

  /** Starts each stand-in on a free loopback port and resolves with their urls (from their first JSON line). */
  async function startStandins(sandbox, dir) {
    // The ODK form holds the sandbox's people (as the Sheets and Form.io stand-ins do), so its records authenticate.
    const { peopleFromIdentities } = await import('@mts/sheets-standin');
    const odkSeed = join(dir, 'odk-demo.json');
    writeFileSync(odkSeed, JSON.stringify(demoOdkSeed(peopleFromIdentities(JSON.parse(readFileSync(sandbox.identitiesPath, 'utf8'))).slice(0, 20))), { mode: 0o600 });
    const args = {
      odk: ['--port', '0', '--data', odkSeed],
      sheets: ['--port', '0', '--identities', sandbox.identitiesPath, '--key-file', join(dir, 'sheets-sa.json')],
      formio: ['--port', '0', '--identities', sandbox.identitiesPath],
      'websub-hub': ['--port', '0', '--topic', DEMO_HUB.topic, '--accept-token', DEMO_HUB.authToken, '--demo-subscriber'],
    };
    const urls = {};
    // Five VCs of the sandbox's people, signed with a fresh key that the body's vcconfig.trustedIssuers names.
    const vcRequest = join(dir, 'demo-vc-request.json');
    const issued = spawnSync(process.execPath, [VC_ISSUER, '--count', '5', '--identities', sandbox.identitiesPath, '--envelope', vcRequest], {
      cwd: ROOT, encoding: 'utf8',
    });
    if (issued.status !== 0) throw new Error(`vc-issuer failed: ${issued.stderr.trim()}`);
    urls.vcRequest = vcRequest;
    await Promise.all(
      Object.entries(STANDINS).map(async ([name, main]) => {
        const child = spawn(process.execPath, [main, ...args[name]], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
        const first = new Promise((resolveUrl, reject) => {
          const lines = createInterface({ input: child.stdout });
          lines.on('line', (line) => {
            try {
              const url = JSON.parse(line).url;
              if (typeof url === 'string') resolveUrl(url);
            } catch {
              // not the listening line
            }
          });
          child.once('exit', (code) => reject(new Error(`${name} exited (${code}) before it was ready`)));
        });
        watch(name, child);
        urls[name] = await first;
      }),
    );
    return urls;
  }
}

async function sandboxChild() {
  const { sandboxPartnerEnv, startSandbox } = await import('@mts/ida-sandbox');
  const opts = JSON.parse(process.env.SANDBOX_OPTIONS);
  const sandbox = await startSandbox(Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined && v !== null)));
  const { url, partner, identitiesPath } = sandbox;
  const close = () => sandbox.close().then(() => process.exit(0), () => process.exit(1));
  // Before `ready`: a stop that follows at once must find the handler, not the default action (death by the signal).
  process.once('SIGTERM', close);
  process.once('SIGINT', close);
  process.send({ type: 'ready', url, partner, identitiesPath, partnerEnv: sandboxPartnerEnv(sandbox) });
  // Orphaned (parent killed): go too.
  process.on('disconnect', close);
}

async function main() {
  const log = (line) => process.stdout.write(`${line}\n`);
  const port = portFromEnv(process.env, 'PORT', 8080);
  const sandboxPort = portFromEnv(process.env, 'MTS_SANDBOX_PORT', 0, { allowZero: true });
  // Before a build that can take minutes; startStack checks again just before it starts anything.
  await assertPortsFree([
    { port, host: '127.0.0.1', variable: 'PORT', what: 'the API' },
    { port: sandboxPort, host: '127.0.0.1', variable: 'MTS_SANDBOX_PORT', what: 'the IDA sandbox' },
  ]);
  buildIfNeeded(log);
  const dataDir = process.env.MTS_DATA_DIR ? resolve(process.env.MTS_DATA_DIR) : join(ROOT, 'data');
  const stack = await startStack({ dataDir, port, sandboxPort, latencyMs: Number(process.env.IDA_LATENCY_MS ?? 0), print: log, standins: true });
  let stopping = false;
  const shutdown = async (code) => {
    if (stopping) return;
    stopping = true;
    log('[start] stopping …');
    await stack.stop();
    process.exit(code);
  };
  // Ctrl-C reaches the children too (same process group); stop() still waits for each and escalates if needed.
  process.on('SIGINT', () => shutdown(0));
  process.on('SIGTERM', () => shutdown(0));
  stack.exited.then(({ name, code }) => {
    log(`[start] ${name} exited unexpectedly (${code}); stopping the others`);
    shutdown(1);
  });
  // For mts-auth and embedded mts-seed, which read the partner settings from the environment.
  const partnerEnvFile = writePartnerEnv(join(dataDir, 'ida-sandbox'), stack.sandbox.partnerEnv);
  log(await demoPrintout(stack, dataDir, partnerEnvFile));
}

/** What `npm start` prints once everything is up: one runnable command per input and delivery of the demo. */
async function demoPrintout(stack, dataDir, partnerEnvFile) {
  const api = stack.apiUrl;
  const { sheets, formio, odk, 'websub-hub': hub, vcRequest } = stack.standins;
  const withPartner = `set -a; . ${shellQuote(displayPath(ROOT, partnerEnvFile))}; set +a;`;
  const { DEMO_MAPPING, DEMO_USER } = await import('@mts/formio-standin');
  const envelope = (request) => JSON.stringify({ id: 'mosip.token.seeder', version: '1.1.0', metadata: '', requesttime: new Date().toISOString(), request });
  const postJson = (path, request) => `curl -s ${api}/authtoken/${path} -H 'content-type: application/json' -d '${envelope(request)}'`;
  const websub = { hubUrl: hub, topic: DEMO_HUB.topic, authToken: DEMO_HUB.authToken };
  return `
[start] Token seeder is running: API ${api} (docs ${api}/docs), IDA sandbox ${stack.sandbox.url}
[start] Web page (upload, mapping, progress, download, duplicates): ${api}/ui/
[start] Submit the sample CSV:
  curl -s -F 'request=${envelope({ output: 'csv', deliverytype: 'download' })}' -F csv_file=@docs/examples/sample.csv ${api}/authtoken/csv
[start] Then, with the request_identifier it returns:
  curl -s ${api}/authtoken/status/<request_identifier>
  curl -s ${api}/authtoken/file/<request_identifier>
  curl -s ${api}/authtoken/duplicates/<request_identifier>      # records that received the same token (line numbers)
[start] Other inputs, each from its local stand-in (see README "Using it"):
  Google Sheets (stand-in ${sheets}; service-account key in ${join(dataDir, 'sheets-sa.json')}):
  ${postJson('sheets', { output: 'csv', deliverytype: 'download', sheetsconfig: { spreadsheetId: 'demo-people', baseurl: sheets, auth: { type: 'apiKey', apiKey: 'demo-api-key' } } })}
  Form.io (stand-in ${formio}):
  ${postJson('formio', { output: 'json', deliverytype: 'download', mapping: DEMO_MAPPING, formioconfig: { baseurl: formio, formPath: 'registration', auth: { type: 'login', ...DEMO_USER } } })}
  ODK Central (stand-in ${odk}):
  ${postJson('odk', { output: 'json', deliverytype: 'download', mapping: DEMO_ODK_MAPPING, odkconfig: { baseurl: odk, ...DEMO_ODK } })}
  JSON (the records in the body's request.authdata):
  curl -s ${api}/authtoken/json -H 'content-type: application/json' -d @docs/examples/sample.json
  Verifiable Credentials (five signed VCs of the sandbox's people, proofs checked):
  curl -s ${api}/authtoken/vc -H 'content-type: application/json' -d @${vcRequest}
[start] Other deliveries: publish the tokens to the local WebSub hub (its demo subscriber logs each signed message):
  curl -s -F 'request=${envelope({ output: 'csv', deliverytype: 'websub', websubProperties: { ...websub, callInBulk: true } })}' -F csv_file=@docs/examples/sample.csv ${api}/authtoken/csv
  SFTP needs your own server: "deliverytype": "sftp" with "sftpProperties" (README "Using it").
[start] From the command line, with this sandbox's partner settings (TOKENSEEDER_* in ${displayPath(ROOT, partnerEnvFile)}, private):
  ${withPartner} npx mts-auth demoauth docs/examples/record.json
  ${withPartner} npx mts-seed docs/examples/sample.csv -o tokens.csv
  npx mts-seed docs/examples/sample.csv -o tokens.csv --server ${api}      # through this service instead
[start] Ctrl-C stops everything.
`;
}

if (process.argv.includes('--sandbox-child')) await sandboxChild();
else if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err) => {
    console.error(`[start] ${err.message}`);
    process.exit(1);
  });
}
