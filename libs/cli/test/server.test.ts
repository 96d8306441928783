// mts-seed --server against a running seeder (API + worker, in this process) and the IDA sandbox: 10,000 rows
// submitted, the CLI SIGKILLed while it follows the request, --resume follows the same request (no second
// submission, every record authenticated once); JSON input streamed into authtoken/json; refusals and their exit
// codes (server refusal 6, API key refused 7, server unreachable 4). The runs that talk to the real API are child
// processes, as in use: an in-process client's pooled sockets would outlive the test.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createLogger, hashApiKey, loadConfig as loadApiConfig, startApi, type RunningApi } from '@mts/api';
import { sandboxPartnerEnv, startSandbox, type RunningSandbox } from '@mts/ida-sandbox';
import { createTempDir, type TempDir } from '@mts/testing';
import { loadConfig as loadWorkerConfig, startWorker, type RunningWorker } from '@mts/worker';
import { runSeedCli } from '../src/index.js';
import { capture, CSV_MAPPING, parseCsvRows, people, spawnSeed, writeCsv } from './helpers.js';

jest.setTimeout(600_000);

const N = 10_000;
let dir: TempDir;
let sandbox: RunningSandbox;
let worker: RunningWorker;
let api: RunningApi;
let serviceEnv: Record<string, string>;

beforeAll(async () => {
  dir = await createTempDir('cli-server-');
  sandbox = await startSandbox({ dataDir: join(dir.path, 'ida'), identityCount: 40, latencyMs: 0 });
  const env = (serviceEnv = {
    MTS_DATA_DIR: join(dir.path, 'data'), MTS_DATA_KEY: Buffer.alloc(32, 5).toString('base64'), MTS_LOG_LEVEL: 'error', MTS_API_HOST: '127.0.0.1', PORT: '0',
    MTS_POLL_INTERVAL_MS: '50', MTS_IDA_CONCURRENCY: '16', MTS_JOB_LOCK_LIFETIME_MS: '5000', TOKENSEEDER_CLEANUP__ENABLED: 'false',
    ...sandboxPartnerEnv(sandbox),
  });
  const silent = createLogger({ silent: true });
  worker = await startWorker(loadWorkerConfig(env), { logger: silent as never });
  api = await startApi(loadApiConfig(env), { logger: silent });
});
afterAll(async () => {
  await api?.close();
  await worker?.stop();
  await sandbox?.close();
  await dir?.remove();
});

/** GET without a pooled connection (a pooled one would outlive the API and keep Jest from exiting). */
const getJson = (url: string) =>
  new Promise<unknown>((resolve, reject) => {
    get(url, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (t: string) => (body += t)).on('end', () => resolve(JSON.parse(body)));
    }).on('error', reject);
  });

const until = async (ok: () => boolean | Promise<boolean>, what: string, ms = 300_000) => {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

test('10,000 rows: SIGKILL while following the request, --resume follows the same one to the output', async () => {
  const rows = people(sandbox, N);
  const input = writeCsv(join(dir.path, 'people.csv'), rows);
  const out = join(dir.path, 'tokens.csv');
  const journalPath = `${out}.journal`;
  const args = [input, '-o', out, '--server', api.url, '--mapping', CSV_MAPPING, '--progress-ms', '100'];

  const first = spawnSeed(args, {});
  let requestId = '';
  await until(() => {
    const m = existsSync(journalPath) ? /"requestId":"([^"]+)"/.exec(readFileSync(journalPath, 'utf8')) : null;
    requestId = m?.[1] ?? '';
    return requestId !== '';
  }, 'the request id in the journal');
  await until(async () => {
    const s = (await getJson(`${api.url}/authtoken/status/${requestId}`)) as { response?: { counts?: { processed: number; error: number } } };
    const c = s.response?.counts;
    return c !== undefined && c.processed + c.error > 1000;
  }, 'the server to answer some records');
  first.child.kill('SIGKILL');
  expect(await first.exited).toBe('SIGKILL');
  expect(existsSync(out)).toBe(false);
  expect(first.stderr()).not.toContain('\r');
  expect(first.stderr()).toMatch(new RegExp(`^mts-seed: \\d+/${N} records, [\\d.]+/s, \\d+%(, ETA \\S+)?, processing$`, 'm'));

  const second = spawnSeed([...args, '--resume'], {});
  expect(await second.exited).toBe(1);
  expect(second.stderr()).toMatch(new RegExp(`^mts-seed: request ${requestId} processed_with_errors: ${N} records, \\d+ with a token, \\d+ error, ${N / 50} invalid in `, 'm'));
  expect(existsSync(journalPath)).toBe(false);

  const got = parseCsvRows(readFileSync(out, 'utf8'));
  expect(got).toHaveLength(N);
  expect(got.map((r) => r.vid)).toEqual(rows.map((p) => p.vid));
  expect(got.filter((r) => r.status === 'processed').length).toBeGreaterThan(20);
  // One submission: every record IDA had to answer was sent exactly once.
  const calls = sandbox.stats().authCallsByIndividualId;
  const valid = rows.filter((p) => p.gender !== '');
  expect(valid.filter((p) => calls[p.vid] !== 1)).toEqual([]);
});

test('JSON input is streamed into authtoken/json; NDJSON output', async () => {
  const rows = people(sandbox, 5).map((p, i) => ({ ...p, vid: String(7200000000 + i) }));
  const input = join(dir.path, 'few.json');
  writeFileSync(input, JSON.stringify(rows));
  const out = join(dir.path, 'few.ndjson');
  const run = spawnSeed([input, '-o', out, '--server', api.url, '--quiet'], {});
  expect(await run.exited).toBe(1);
  expect(run.stderr()).toBe('');
  const nd = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  expect(nd.map((r) => r.vid)).toEqual(rows.map((p) => p.vid));
  expect(nd.every((r) => r.status === 'error' && /^IDA-/.test(r.errorCode))).toBe(true);
});

test('a template whose rows are strings comes out as NDJSON strings, not nulls; inputs with a UTF-8 BOM are taken as in embedded mode', async () => {
  const rows = people(sandbox, 3);
  const json = join(dir.path, 'bom.json');
  writeFileSync(json, `\ufeff${JSON.stringify(rows)}`);
  const ndjson = join(dir.path, 'bom.ndjson');
  writeFileSync(ndjson, `\ufeff${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
  for (const input of [json, ndjson]) {
    const out = `${input}.tokens.ndjson`;
    const run = spawnSeed([input, '-o', out, '--server', api.url, '--quiet', '--output-format', '.output.token'], {});
    expect(await run.exited).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as unknown);
    expect(lines).toHaveLength(3);
    expect(lines.every((t) => typeof t === 'string' && t.length > 0)).toBe(true);
  }
});

describe('refusals', () => {
  let fake: Server;
  let fakeUrl: string;
  const keys: (string | undefined)[] = [];
  beforeAll(async () => {
    fake = createServer((req, res) => {
      keys.push(req.headers['x-api-key'] as string | undefined);
      res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [{ errorCode: 'ATS-AUTH-001', errorMessage: 'no key' }], response: null }));
      req.resume();
    });
    await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
    fakeUrl = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => (fake.closeAllConnections(), fake.close(() => r()))));

  it('401/403 is exit 7 with a clear message; the key is never printed', async () => {
    const input = writeCsv(join(dir.path, 'k.csv'), people(sandbox, 2));
    let io = capture();
    expect(await runSeedCli([input, '-o', join(dir.path, 'k.out.csv'), '--server', fakeUrl], { env: {}, ...io })).toBe(7);
    expect(io.out.stderr).toContain('it needs an API key (--api-key or MTS_API_KEY) (HTTP 401 ATS-AUTH-001)');
    io = capture();
    expect(await runSeedCli([input, '-o', join(dir.path, 'k2.out.csv'), '--server', fakeUrl], { env: { MTS_API_KEY: 'secret-key-9' }, ...io })).toBe(7);
    expect(io.out.stderr).toContain('refused the API key (HTTP 401');
    // The key went as X-API-Key (here from MTS_API_KEY).
    expect(keys).toEqual([undefined, 'secret-key-9']);
    expect(io.out.stderr).not.toContain('secret-key-9');
  });

  it('a request the server refuses is exit 6 with its code; an unreachable server exit 4', async () => {
    const empty = join(dir.path, 'empty.csv');
    writeFileSync(empty, 'id,full_name\n');
    let io = capture();
    expect(await runSeedCli([empty, '-o', join(dir.path, 'e.out.csv'), '--server', api.url], { env: {}, ...io })).toBe(6);
    expect(io.out.stderr).toMatch(/refused the submission \(HTTP 400 ATS-REQ-102/);
    // A port nothing listens on any more.
    const gone = createServer();
    await new Promise<void>((r) => gone.listen(0, '127.0.0.1', r));
    const port = (gone.address() as AddressInfo).port;
    await new Promise<void>((r) => gone.close(() => r()));
    io = capture();
    expect(await runSeedCli([empty, '-o', join(dir.path, 'u.out.csv'), '--server', `http://127.0.0.1:${port}`], { env: {}, ...io })).toBe(4);
    expect(io.out.stderr).toContain('the server is unreachable (ECONNREFUSED)');
  });
});

describe('with caller authentication on (MTS_API_KEYS_FILE)', () => {
  const KEY = 'cli-test-key-0123456789abcdef';
  let secured: RunningApi;
  beforeAll(async () => {
    const keysFile = join(dir.path, 'api-keys.json');
    writeFileSync(keysFile, JSON.stringify([{ caller: 'registry-a', hash: await hashApiKey(KEY, { N: 1024, r: 8, p: 1 }) }]), { mode: 0o600 });
    // A second API on the same data dir: the worker serves both.
    secured = await startApi(loadApiConfig({ ...serviceEnv, MTS_API_KEYS_FILE: keysFile }), { logger: createLogger({ silent: true }) });
  });
  afterAll(() => secured?.close());

  it('the key from MTS_API_KEY gets the request through; no key or a wrong one is exit 7 before the upload', async () => {
    const rows = people(sandbox, 6).map((p, i) => ({ ...p, vid: String(7300000000 + i) }));
    const input = writeCsv(join(dir.path, 'keyed.csv'), rows);
    const ok = spawnSeed([input, '-o', join(dir.path, 'keyed.out.csv'), '--server', secured.url, '--mapping', CSV_MAPPING, '--quiet'], { MTS_API_KEY: KEY });
    expect(await ok.exited).toBe(1);
    expect(parseCsvRows(readFileSync(join(dir.path, 'keyed.out.csv'), 'utf8')).map((r) => r.vid)).toEqual(rows.map((p) => p.vid));

    const none = spawnSeed([input, '-o', join(dir.path, 'nokey.csv'), '--server', secured.url], {});
    expect(await none.exited).toBe(7);
    expect(none.stderr()).toContain('it needs an API key (--api-key or MTS_API_KEY) (HTTP 401 ATS-AUTH-001)');
    const wrong = spawnSeed([input, '-o', join(dir.path, 'badkey.csv'), '--server', secured.url, '--api-key', 'not-the-key-42'], {});
    expect(await wrong.exited).toBe(7);
    expect(wrong.stderr()).toContain('refused the API key (HTTP 401 ATS-AUTH-001)');
    expect(wrong.stderr()).not.toContain('not-the-key-42');
    // Refused before anything was submitted: no journal is left to resume.
    expect(existsSync(join(dir.path, 'badkey.csv.journal'))).toBe(false);
  });
});
