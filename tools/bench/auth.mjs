// Benchmark: authentications per second and client CPU per authentication against the IDA sandbox.
//
//   npm run bench:auth -- --n 2000 --concurrency 32 --latency 20 [--id-type UIN|VID] [--server sandbox|echo]
//                          [--client-cpus 0|0,1] [--server-cpus 1]
//
// The sandbox runs in a child process (this file, forked with --child) so that only the client's CPU is counted
// by process.cpuUsage(). `--server echo` swaps the sandbox for bench:seed's crypto-free stand-in (lib/echo-ida.mjs),
// isolating client cost.
// coresUsed: how many cores the client used, its process CPU seconds (signing threads included) / wall seconds.
// cryptoFloorMsPerAuth: the RSA work one authentication cannot avoid (sign + OAEP encrypt, + the answer's signature
// check against the sandbox; echo does not sign), measured in this process right before and right after the run, the
// mean of the two (both in cryptoFloorBeforeAfterMs); clientCpuRatio = clientCpuMsPerAuth / that floor: what the IDA
// client alone costs beyond it, with no pipeline around it (bench:seed's serviceCpuRatio is the whole service's).
// --client-cpus / --server-cpus pin the client (this process) and the server (the child) to those CPUs, every thread,
// with taskset(1): `--server echo --client-cpus 0 --server-cpus 1` against `--client-cpus 0,1 --server-cpus 1` shows
// how the client's rate grows from one core to two (the server's core is then shared, so the gain is understated).
// The last line printed is one JSON object with every figure.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { cryptoFloorMsPerRecord } from './lib/cpu-profile.mjs';
import { createEchoServer } from './lib/echo-ida.mjs';
import { forkBenchChild, serveBenchParent, startTempSandbox } from './lib/sandbox-child.mjs';
import { pinToCpus } from './lib/taskset.mjs';

const { values: opts } = parseArgs({
  options: {
    n: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '32' },
    latency: { type: 'string', default: '0' },
    warmup: { type: 'string', default: '200' },
    'id-type': { type: 'string', default: 'UIN' },
    server: { type: 'string', default: 'sandbox' },
    'client-cpus': { type: 'string' },
    'server-cpus': { type: 'string' },
    child: { type: 'boolean', default: false },
  },
});

/** Pins this process, every thread, to `cpus` when given. */
const pinTo = (cpus) => cpus !== undefined && pinToCpus(process.pid, cpus);

if (opts.child) await runChild();
else await runParent();

/** Child: serve IDA (sandbox or echo) until told to close, then report its own CPU. */
async function runChild() {
  pinTo(opts['server-cpus']);
  const cpu0 = process.cpuUsage();
  let close;
  let info;
  if (opts.server === 'echo') {
    const server = createEchoServer({ latencyMs: Number(opts.latency) });
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    info = { url: `http://127.0.0.1:${server.address().port}/idauthentication/v1/auth` };
    close = () => new Promise((r) => (server.closeAllConnections(), server.close(r)));
  } else {
    ({ info, close } = await startTempSandbox('bench-auth-ida-', { latencyMs: Number(opts.latency) }));
  }
  serveBenchParent({ cpu0, info, close });
}

async function runParent() {
  const n = Number(opts.n);
  const concurrency = Number(opts.concurrency);
  const warmup = Number(opts.warmup);
  const idType = opts['id-type'];
  const child = await forkBenchChild(import.meta.url);
  // After the fork: the child would inherit the client's CPUs (it pins itself only with --server-cpus).
  pinTo(opts['client-cpus']);
  const { ready } = child;
  const childCpu = async () => (await child.cpu()).cpu;

  const { createAuthenticator } = await import('@mts/authenticator');
  const { config, requests } = opts.server === 'echo' ? await echoSetup(ready, n) : sandboxSetup(ready, idType);
  const auth = createAuthenticator({ ...config, maxSockets: Math.max(concurrency, 1), maxRetries: 0 });

  const run = async (count) => {
    const stats = { ok: 0, authFailed: 0, errors: 0, errorCodes: {}, latencies: [] };
    let i = 0;
    const worker = async () => {
      while (i < count) {
        const req = requests[i++ % requests.length];
        const t = performance.now();
        try {
          const res = await auth.authenticate(req);
          if (res.authStatus) stats.ok++;
          else {
            stats.authFailed++;
            const code = res.errors.map((e) => e.errorCode).join('+') || 'none';
            stats.errorCodes[code] = (stats.errorCodes[code] ?? 0) + 1;
          }
        } catch (e) {
          stats.errors++;
          stats.errorCodes[e.code ?? 'unknown'] = (stats.errorCodes[e.code ?? 'unknown'] ?? 0) + 1;
        }
        stats.latencies.push(performance.now() - t);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
    return stats;
  };

  await run(warmup);
  const floorOptions = { verify: opts.server !== 'echo' };
  const floorBefore = cryptoFloorMsPerRecord(floorOptions);
  const sandboxCpu0 = await childCpu();
  const elu0 = performance.eventLoopUtilization();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const stats = await run(n);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const elu = performance.eventLoopUtilization(elu0);
  const sandboxCpu = await childCpu();
  const floorAfter = cryptoFloorMsPerRecord(floorOptions);
  const floor = (floorBefore + floorAfter) / 2;
  await auth.close();
  await child.close();

  const clientCpuMs = (cpu.user + cpu.system) / 1000;
  const sandboxCpuMs = (sandboxCpu.user + sandboxCpu.system - sandboxCpu0.user - sandboxCpu0.system) / 1000;
  const sorted = stats.latencies.sort((a, b) => a - b);
  const pct = (p) => round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0, 2);
  const result = {
    bench: 'auth',
    server: opts.server,
    n,
    concurrency,
    latencyMs: Number(opts.latency),
    idType,
    seconds: round(seconds, 3),
    authPerSec: round(n / seconds, 1),
    clientCpuMsPerAuth: round(clientCpuMs / n, 3),
    clientCpuUserMsPerAuth: round(cpu.user / 1000 / n, 3),
    cryptoFloorMsPerAuth: round(floor, 3),
    cryptoFloorBeforeAfterMs: [floorBefore, floorAfter],
    clientCpuRatio: round(clientCpuMs / n / floor, 2),
    clientCoresBusy: round(clientCpuMs / 1000 / seconds, 2),
    // Issue 16's name for the same figure: this process's CPU seconds over wall seconds (worker threads included).
    coresUsed: round(clientCpuMs / 1000 / seconds, 3),
    clientEventLoopUtilization: round(elu.utilization, 3),
    sandboxCpuMsPerAuth: round(sandboxCpuMs / n, 3),
    machineCores: availableParallelism(),
    clientCpus: opts['client-cpus'] ?? 'all',
    serverCpus: opts['server-cpus'] ?? 'all',
    ok: stats.ok,
    authFailed: stats.authFailed,
    errors: stats.errors,
    errorCodes: stats.errorCodes,
    p50Ms: pct(50),
    p99Ms: pct(99),
  };
  console.log(`auth/s                    ${result.authPerSec}`);
  console.log(`client CPU per auth (ms)  ${result.clientCpuMsPerAuth}  (${result.coresUsed} cores used, event loop ${result.clientEventLoopUtilization})`);
  console.log(`crypto floor (ms)         ${result.cryptoFloorMsPerAuth}  (client ${result.clientCpuRatio} × the floor)`);
  console.log(`sandbox CPU per auth (ms) ${result.sandboxCpuMsPerAuth}`);
  console.log(`latency p50/p99 (ms)      ${result.p50Ms} / ${result.p99Ms}`);
  console.log(`ok ${result.ok}, authStatus false ${result.authFailed}, errors ${result.errors}`);
  console.log(JSON.stringify(result));
}

/** Config from the sandbox's partner; requests from its identity store (active, unlocked, Perpetual VIDs). */
function sandboxSetup(ready, idType) {
  const p = ready.partner;
  const config = {
    idaAuthUrl: ready.url, partnerId: p.partnerId, apiKey: p.apiKey, mispLicenseKey: p.mispLicenseKey,
    encryptCertPath: p.idaPartnerCertPath, signP12Path: p.p12Path, signP12Password: p.p12Password,
    responseCertPath: p.idaSignCertPath,
  };
  const store = JSON.parse(readFileSync(ready.identitiesPath, 'utf8'));
  const identities = (Array.isArray(store) ? store : store.identities ?? Object.values(store)).filter(
    (id) => id.status === 'ACTIVATED' && !id.demoAuthLocked,
  );
  const requests = identities.flatMap((id) => {
    const vid = id.vids?.find((v) => v.type === 'Perpetual' && v.status === 'ACTIVE')?.vid;
    const individualId = idType === 'VID' ? vid : id.uin;
    if (!individualId) return [];
    const a = id.attributes;
    return [{ individualId, individualIdType: idType, demographics: { name: a.fullName, gender: a.gender, dob: a.dateOfBirth } }];
  });
  if (requests.length === 0) throw new Error('bench: no usable identities in the sandbox store');
  return { config, requests };
}

/** Dev keys generated here; the echo server checks nothing, so only client work is measured. */
async function echoSetup(ready, n) {
  const { createDevCertificate, createPkcs12, generateRsaKeyPair } = await import('@mts/crypto');
  const [ida, partner] = await Promise.all([generateRsaKeyPair(), generateRsaKeyPair()]);
  const idaCert = createDevCertificate({ keyPair: ida, commonName: 'bench-ida' });
  const password = randomBytes(8).toString('hex');
  const p12 = createPkcs12({ ...partner, certificate: createDevCertificate({ keyPair: partner, commonName: 'bench' }), password });
  const config = {
    idaAuthUrl: ready.url, partnerId: 'bench', apiKey: 'bench', mispLicenseKey: 'bench',
    encryptCert: idaCert.toString(), signP12: p12, signP12Password: password,
  };
  const demographics = { name: [{ language: 'eng', value: 'Bench Person' }], gender: [{ language: 'eng', value: 'Female' }], dob: '1990/01/05' };
  const requests = Array.from({ length: Math.min(n, 100) }, (_, i) => ({ individualId: String(2000000000 + i), demographics }));
  return { config, requests };
}

function round(x, digits) {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
