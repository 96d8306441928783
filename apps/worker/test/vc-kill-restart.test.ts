// VCs in, proofs verified in the worker: a worker process killed with SIGKILL mid-request and restarted finishes
// with every VC answered exactly once (counted at the sandbox), the tampered and the broken ones with their codes.
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { startSandbox, type RunningSandbox } from '@mts/ida-sandbox';
import { createVcIssuer } from '@mts/vc-issuer';
import { createTempDir, type TempDir } from '@mts/testing';
import type { Store } from '@mts/store';
import { loadConfig } from '../src/config.js';
import { openApiStore, readOutput, testEnv, waitDone, waitFor } from './helpers.js';
import { exited, spawnWorker } from './process.js';
import { sandboxAuthEnv } from './sandbox-env.js';

jest.setTimeout(120_000);

let dir: TempDir;
let sandbox: RunningSandbox;
let api: Store | undefined;
const children: ChildProcess[] = [];

beforeAll(async () => {
  dir = await createTempDir('vc-kill-');
  sandbox = await startSandbox({ dataDir: join(dir.path, 'ida'), port: 0, latencyMs: 40, identityCount: 90 });
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await Promise.all(children.map(exited));
  await api?.close();
  await sandbox.close();
  await dir.remove();
});

test('SIGKILL mid-request, restart: each VC answered once, the tampered one ATS-REQ-065, the broken line ATS-REQ-062', async () => {
  const env = testEnv(join(dir.path, 'data'), {
    ...sandboxAuthEnv(sandbox),
    MTS_IDA_CONCURRENCY: '4',
    MTS_JOB_LOCK_LIFETIME_MS: '1500',
  });
  api = await openApiStore(loadConfig(env));
  const issuer = createVcIssuer({ proofType: 'Ed25519Signature2020' });
  const people = sandbox.identities.filter((i) => i.status === 'ACTIVATED' && !i.demoAuthLocked);
  const vcs = await Promise.all(people.map((p) => issuer.issue(p)));
  const tamperedAt = 10;
  const subject = vcs[tamperedAt]!.credentialSubject as Record<string, unknown>;
  vcs[tamperedAt] = { ...vcs[tamperedAt]!, credentialSubject: { ...subject, UIN: people[tamperedAt + 1]!.uin } };
  const lines = vcs.map((vc) => `${JSON.stringify(vc)}\n`);
  lines.splice(20, 0, '{"this is": not JSON\n');

  // As the API stores POST authtoken/vc with request.vcs: NDJSON under the request id, input kind vc.
  const id = api.newRequestId();
  await api.saveInput(id, 'ndjson', lines);
  await api.createRequest({
    id,
    inputKind: 'vc',
    config: { output: 'json', deliverytype: 'download', lang: 'eng', vcconfig: { verifyProof: true, trustedIssuers: [issuer.trustedIssuer] } },
  });

  const first = spawnWorker(env);
  children.push(first);
  await waitFor(async () => {
    const r = await api!.getRequest(id);
    return r && r.counts.processed + r.counts.error >= 20;
  }, 60_000, 'some answers');
  first.kill('SIGKILL');
  expect(await exited(first)).toBe('SIGKILL');

  const recorded: string[] = [];
  for await (const r of api.streamRecords(id)) if (r.status === 'processed' || r.status === 'error') recorded.push(r.output!.vid!);
  const atKill = { ...sandbox.stats().authCallsByIndividualId };
  expect(recorded.length).toBeLessThan(people.length - 1);

  const second = spawnWorker(env);
  children.push(second);
  const done = await waitDone(api, id, 90_000);
  expect(done.counts.total).toBe(lines.length);
  expect(done.counts.processed).toBe(people.length - 1);
  expect(done.counts.invalid).toBe(2);

  const after = sandbox.stats().authCallsByIndividualId;
  for (const vid of recorded) expect({ vid, calls: after[vid] }).toEqual({ vid, calls: atKill[vid] });
  // Not recorded at the kill (a call in flight then may have reached IDA): asked exactly once after the restart.
  const unrecorded = people.filter((p, i) => i !== tamperedAt && !recorded.includes(p.uin));
  expect(unrecorded.length).toBeGreaterThan(0);
  for (const p of unrecorded) expect({ uin: p.uin, calls: (after[p.uin] ?? 0) - (atKill[p.uin] ?? 0) }).toEqual({ uin: p.uin, calls: 1 });

  const rows = JSON.parse(await readOutput(api, done)) as { vid: string | null; status: string; token: string | null; errorCode: string | null }[];
  expect(rows).toHaveLength(lines.length);
  expect(rows.filter((r) => r.errorCode === 'ATS-REQ-065')).toHaveLength(1);
  expect(rows.filter((r) => r.errorCode === 'ATS-REQ-062')).toHaveLength(1);
  const tokens = rows.filter((r) => r.status === 'processed').map((r) => r.vid);
  expect(new Set(tokens).size).toBe(people.length - 1);

  second.kill('SIGTERM');
  expect(await exited(second)).toBe(0);
});
