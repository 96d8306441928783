// Scale-out on PostgreSQL, as an operator runs it: one API and two workers started separately from their built
// entry points (`node apps/api/dist/main.js`, `node apps/worker/dist/main.js`), each with its own data dir (no
// shared disk: requests, records, files and the queue are all in PostgreSQL). 20,000 records go in against the
// sandbox with latency, one worker is SIGKILLed mid-request, and the other finishes its chunks once their locks
// lapse: exact counts, one output row per record through the API's download, and no record whose answer was
// recorded is sent to IDA again (counted at the sandbox). CI builds first; run `npm run build` before running alone.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { sandboxPartnerEnv, startSandbox, type RunningSandbox } from '@mts/ida-sandbox';
import { loadOrCreateDataKey, openStore, type Store } from '@mts/store';
import { createTempDir, requires, testPostgresUrl, type TempDir } from '@mts/testing';

const ROOT = resolve(__dirname, '../..');
const MAINS = { api: join(ROOT, 'apps/api/dist/main.js'), worker: join(ROOT, 'apps/worker/dist/main.js') };
const N = 20_000;
const LOCK_MS = 6000;
jest.setTimeout(600_000);

const freePort = () =>
  new Promise<number>((done) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => done(port));
    });
  });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function psql(sql: string): void {
  const r = spawnSync('psql', [testPostgresUrl(), '-v', 'ON_ERROR_STOP=1', '-qc', sql], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`psql failed: ${r.stderr}`);
}

function exited(child: ChildProcess): Promise<number | string> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  if (child.signalCode !== null) return Promise.resolve(child.signalCode);
  return new Promise((done) => child.once('exit', (code, signal) => done(code ?? signal ?? -1)));
}

requires('postgres')('PostgreSQL fleet: API ×1 and workers ×2 as separate processes, no shared disk', () => {
  const schema = `fleet_${randomBytes(4).toString('hex')}`;
  const dataKey = randomBytes(32).toString('base64');
  let dir: TempDir;
  let sandbox: RunningSandbox;
  let store: Store | undefined;
  const procs = new Map<string, ChildProcess>();
  const logs: string[] = [];

  beforeAll(async () => {
    expect(existsSync(MAINS.api) && existsSync(MAINS.worker)).toBe(true); // built (CI builds before testing)
    dir = await createTempDir('fleet-');
    sandbox = await startSandbox({ dataDir: join(dir.path, 'ida'), port: 0, latencyMs: 20, identityCount: N });
  });

  afterAll(async () => {
    for (const p of procs.values()) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
    await Promise.all([...procs.values()].map(exited));
    await store?.close();
    await sandbox?.close();
    await dir?.remove();
    psql(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  });

  function start(name: string, main: string, extra: Record<string, string> = {}): ChildProcess {
    const child = spawn(process.execPath, [main], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH ?? '',
        ...sandboxPartnerEnv(sandbox),
        MTS_DATABASE_URL: testPostgresUrl(),
        MTS_DATABASE_SCHEMA: schema,
        MTS_DATA_KEY: dataKey,
        MTS_DATA_DIR: join(dir.path, name), // each its own, as on separate hosts
        MTS_LOG_LEVEL: 'warn',
        MTS_JOB_LOCK_LIFETIME_MS: String(LOCK_MS),
        MTS_IDA_CONCURRENCY: '16',
        // One process per "host": the test kills and counts processes.
        MTS_WORKER_PROCESSES: '1',
        MTS_CHUNK_SIZE: '250',
        MTS_CHUNKS_IN_FLIGHT_PER_REQUEST: '4',
        TOKENSEEDER_CLEANUP__ENABLED: 'false',
        TOKENSEEDER_AUTHTOKEN__MANDATORY_VALIDATION_AUTH_FIELDS: 'name,gender,dob',
        ...extra,
      },
    });
    for (const stream of [child.stdout, child.stderr]) stream!.on('data', (b: Buffer) => logs.push(...b.toString('utf8').split('\n').map((l) => `[${name}] ${l}`)));
    procs.set(name, child);
    return child;
  }

  test('SIGKILL one worker mid-request: the other finishes, counts exact, one row per record, no recorded record re-sent', async () => {
    // Workers first, racing each other to make the schema; then the API.
    start('worker-1', MAINS.worker);
    start('worker-2', MAINS.worker);
    const port = await freePort();
    start('api', MAINS.api, { PORT: String(port), MTS_API_HOST: '127.0.0.1' });
    const api = `http://127.0.0.1:${port}`;
    for (let i = 0; !(await fetch(`${api}/ping`).then((r) => r.ok, () => false)); i++) {
      if (i > 300) throw new Error(`api not up:\n${logs.slice(-40).join('\n')}`);
      await sleep(100);
    }

    const people = sandbox.identities.slice(0, N).map((i) => ({
      vid: i.uin,
      name: (i.attributes.fullName as { value: string }[] | undefined)?.[0]?.value,
      gender: (i.attributes.gender as { value: string }[] | undefined)?.[0]?.value,
      dob: i.attributes.dateOfBirth,
    }));
    expect(new Set(people.map((p) => p.vid)).size).toBe(N);
    const body = { id: 'mosip.token.seeder', version: '1.1.0', metadata: '', requesttime: new Date().toISOString(), request: { output: 'csv', deliverytype: 'download', authdata: people } };
    const submitted = await fetch(`${api}/authtoken/json`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const id = ((await submitted.json()) as { response: { request_identifier: string } }).response.request_identifier;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);

    // The test's own view of the shared database (the same store the processes use).
    store = await openStore({ url: testPostgresUrl(), schema, keyring: loadOrCreateDataKey({ dataKey }) });
    const status = async () => ((await (await fetch(`${api}/authtoken/status/${id}`)).json()) as { response: { status: string; counts?: Record<string, number> } }).response;

    // Both workers must be holding chunks before one dies: wait until a good share is answered.
    for (let i = 0; ; i++) {
      const r = (await store.getRequest(id))!;
      if (r.counts.processed + r.counts.error >= 3000) break;
      if (i > 1200) throw new Error(`no progress:\n${logs.slice(-40).join('\n')}`);
      await sleep(100);
    }
    const victim = procs.get('worker-2')!;
    victim.kill('SIGKILL');
    expect(await exited(victim)).toBe('SIGKILL');
    const recordedAtKill: string[] = [];
    for await (const r of store.streamRecords(id)) if (r.status === 'processed' || r.status === 'error') recordedAtKill.push(r.output!.vid!);
    expect(recordedAtKill.length).toBeGreaterThanOrEqual(3000);
    expect(recordedAtKill.length).toBeLessThan(N);

    let final: Awaited<ReturnType<typeof status>>;
    for (let i = 0; ; i++) {
      final = await status();
      if (/^(processed|error_)/.test(final.status)) break;
      if (i > 3000) throw new Error(`not finished (${final.status}):\n${logs.slice(-40).join('\n')}`);
      await sleep(100);
    }
    expect(final.status).toMatch(/^processed/);
    const info = (await store.getRequest(id))!;
    expect(info.counts.total).toBe(N);
    expect(info.counts.processed + info.counts.error).toBe(N);
    expect(info.counts.processed).toBeGreaterThan(N * 0.9);

    // The download through the API: a header and exactly one row per input record, each vid once.
    const file = await fetch(`${api}/authtoken/file/${id}`);
    expect(file.status).toBe(200);
    const lines = (await file.text()).split('\n').filter(Boolean);
    const header = lines[0]!.split(',');
    const vidAt = header.indexOf('vid');
    const vids = lines.slice(1).map((l) => l.split(',')[vidAt]);
    expect(vids).toHaveLength(N);
    expect(new Set(vids).size).toBe(N);

    // At the sandbox: every record reached IDA; none recorded before the kill was sent again; re-sends are
    // bounded by what the killed worker had not yet recorded: its calls in flight (MTS_IDA_CONCURRENCY, 16) and
    // the answers each of its chunk jobs held for their next batch write (at most 25 per chunk, for at most 100 ms:
    // apps/worker/src/lib/jobs/process-chunk.ts FLUSH_EVERY; at most MTS_CHUNKS_IN_FLIGHT_PER_REQUEST = 4 chunks).
    const calls = sandbox.stats().authCallsByIndividualId;
    for (const p of people) expect(calls[p.vid] ?? 0).toBeGreaterThanOrEqual(1);
    expect(recordedAtKill.filter((vid) => calls[vid] !== 1)).toEqual([]);
    const resent = people.filter((p) => (calls[p.vid] ?? 0) > 1).length;
    expect(resent).toBeLessThanOrEqual(16 + 4 * 25);

    // Nothing was kept on any process's disk: no SQLite file, no request files, no queue file.
    for (const name of ['api', 'worker-1', 'worker-2']) {
      const here = existsSync(join(dir.path, name)) ? readdirSync(join(dir.path, name), { recursive: true }).map(String) : [];
      expect(here.filter((f) => /\.sqlite|\.enc|files/.test(f))).toEqual([]);
    }
  });
});
