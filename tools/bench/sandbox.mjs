// Benchmark: how many authentications per second the IDA sandbox answers (it decrypts with RSA and signs each
// response). Requests are built and signed up front, so the client costs little; the sandbox runs in a child
// process (this file, forked with --child) whose CPU is reported separately.
//
//   npm run bench:sandbox -- [--n 4000] [--concurrency 64] [--latency 0] [--identities 200]
//
// Requests carry a requestTime, which IDA accepts for 60 s: keep --n small enough to build and send in that time.
// The last line printed is one JSON object with every figure.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { forkBenchChild, serveBenchParent, startTempSandbox } from './lib/sandbox-child.mjs';

const { values: opts } = parseArgs({
  options: {
    n: { type: 'string', default: '4000' },
    concurrency: { type: 'string', default: '64' },
    latency: { type: 'string', default: '0' },
    identities: { type: 'string', default: '200' },
    child: { type: 'boolean', default: false },
  },
});

if (opts.child) await runChild();
else await runParent();

async function runChild() {
  const cpu0 = process.cpuUsage();
  const { sandbox, info, close } = await startTempSandbox('bench-sandbox-', {
    latencyMs: Number(opts.latency), identityCount: Number(opts.identities),
  });
  const report = () => ({ elu: performance.eventLoopUtilization(), stats: sandbox.stats() });
  serveBenchParent({ cpu0, info, close, report });
}

async function buildRequests(ready, count) {
  const { buildAuthRequest } = await import('@mts/authenticator');
  const { base64UrlEncode, certificateThumbprint, createJwsSigner, loadCertificate, loadPkcs12 } = await import('@mts/crypto');
  const p = ready.partner;
  const idaCert = loadCertificate(readFileSync(p.idaPartnerCertPath));
  const signer = createJwsSigner(loadPkcs12(readFileSync(p.p12Path), p.p12Password));
  const ctx = {
    idaCert, thumbprint: base64UrlEncode(certificateThumbprint(idaCert)), random: randomBytes, now: () => new Date(),
  };
  const people = JSON.parse(readFileSync(ready.identitiesPath, 'utf8')).identities.filter(
    (i) => i.status === 'ACTIVATED' && !i.demoAuthLocked,
  );
  const path = new URL(ready.url).pathname + '/' + [p.mispLicenseKey, p.partnerId, p.apiKey].map(encodeURIComponent).join('/');
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const person = people[i % people.length];
      const a = person.attributes;
      const { body } = buildAuthRequest({ individualId: person.uin, demographics: { name: a.fullName, gender: a.gender, dob: a.dateOfBirth } }, ctx);
      return { path, body, signature: await signer.sign(body) };
    }),
  );
}

function post(agent, url, req) {
  return new Promise((resolve) => {
    const r = http.request(
      { agent, host: url.hostname, port: url.port, method: 'POST', path: req.path, headers: {
        'Content-Type': 'application/json', Authorization: 'Authorization', signature: req.signature, 'Content-Length': req.body.length,
      } },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    r.on('error', (e) => resolve({ status: 0, body: e.message }));
    r.end(req.body);
  });
}

async function runParent() {
  const n = Number(opts.n);
  const concurrency = Number(opts.concurrency);
  const child = await forkBenchChild(import.meta.url);
  const { ready } = child;
  const childCpu = child.cpu;
  const url = new URL(ready.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });

  const tBuild = performance.now();
  const warm = await buildRequests(ready, Math.min(200, n));
  const requests = await buildRequests(ready, n);
  const buildSeconds = (performance.now() - tBuild) / 1000;

  const fire = async (list) => {
    const out = { ok: 0, authFailed: 0, httpErrors: 0, codes: {} };
    let i = 0;
    const worker = async () => {
      while (i < list.length) {
        const res = await post(agent, url, list[i++]);
        if (res.status !== 200) out.httpErrors++;
        else {
          const answer = JSON.parse(res.body);
          if (answer.response?.authStatus) out.ok++;
          else {
            out.authFailed++;
            const code = (answer.errors ?? []).map((e) => e.errorCode).join('+');
            out.codes[code] = (out.codes[code] ?? 0) + 1;
          }
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, list.length) }, worker));
    return out;
  };
  await fire(warm);
  const before = await childCpu();
  const t0 = performance.now();
  const stats = await fire(requests);
  const seconds = (performance.now() - t0) / 1000;
  const after = await childCpu();
  agent.destroy();
  await child.close();

  const cpuMs = (after.cpu.user + after.cpu.system - before.cpu.user - before.cpu.system) / 1000;
  const round = (x, d) => Math.round(x * 10 ** d) / 10 ** d;
  const result = {
    bench: 'sandbox',
    n,
    concurrency,
    latencyMs: Number(opts.latency),
    buildSeconds: round(buildSeconds, 2),
    seconds: round(seconds, 3),
    authPerSec: round(n / seconds, 1),
    sandboxCpuMsPerAuth: round(cpuMs / n, 3),
    sandboxCoresBusy: round(cpuMs / 1000 / seconds, 2),
    sandboxEventLoopUtilization: round(performance.eventLoopUtilization(after.elu, before.elu).utilization, 3),
    machineCores: availableParallelism(),
    ok: stats.ok,
    authFailed: stats.authFailed,
    httpErrors: stats.httpErrors,
    errorCodes: stats.codes,
  };
  console.log(`sandbox auth/s             ${result.authPerSec}  (n ${n}, concurrency ${concurrency})`);
  console.log(`sandbox CPU per auth (ms)  ${result.sandboxCpuMsPerAuth}  (${result.sandboxCoresBusy} cores busy, event loop ${result.sandboxEventLoopUtilization})`);
  console.log(`ok ${result.ok}, authStatus false ${result.authFailed}, HTTP errors ${result.httpErrors}`);
  console.log(JSON.stringify(result));
}
