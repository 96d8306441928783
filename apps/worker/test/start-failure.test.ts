// What the worker's entry point prints when it cannot start: one line, `worker failed to start: <CODE> <safe message>
// (<cause code>)`, exit 2 for settings (data key included), 1 otherwise; never a secret, a URL or a stack.
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { startSandbox } from '@mts/ida-sandbox';
import { createKeyring, dataKeyFromBytes, openStore } from '@mts/store';
import { createTempDir, requires, testPostgresUrl, type TempDir } from '@mts/testing';
import { exited, spawnWorker } from './process.js';
import { testEnv } from './helpers.js';
import { sandboxAuthEnv } from './sandbox-env.js';

jest.setTimeout(60_000);

let dir: TempDir;
beforeEach(async () => (dir = await createTempDir('worker-start-')));
afterEach(async () => dir.remove());

async function failedStart(env: Record<string, string>): Promise<{ status: number | string; stderr: string }> {
  const child = spawnWorker(env, 'ignore', 'pipe');
  const [stderr, status] = await Promise.all([text(child.stderr!), exited(child)]);
  return { status, stderr };
}

test('a configuration problem: the code, the variable, exit 2', async () => {
  const { status, stderr } = await failedStart(testEnv(dir.path, { MTS_POD_ID: 'x' }));
  expect(status).toBe(2);
  expect(stderr).toMatch(/^worker failed to start: ATS-CFG-001 invalid configuration:\n {2}MTS_POD_ID: /);
});

test('a malformed MTS_DATABASE_URL is a configuration problem that does not echo the URL', async () => {
  const { status, stderr } = await failedStart(testEnv(dir.path, { MTS_DATABASE_URL: 'postgres://mts:hunter2@[db/mts' }));
  expect(status).toBe(2);
  expect(stderr).toMatch(/MTS_DATABASE_URL: must be a URL/);
  expect(stderr).not.toMatch(/hunter2/);
});

test('a named key file that does not exist is STORE_KEY_MISSING (exit 2); nothing is created, not even its directory', async () => {
  const keyFile = join(dir.path, 'typo', 'sub', 'data.key');
  const env = testEnv(join(dir.path, 'data'), { MTS_DATA_KEY_FILE: keyFile });
  delete env.MTS_DATA_KEY;
  const { status, stderr } = await failedStart(env);
  expect(status).toBe(2);
  expect(stderr).toMatch(/^worker failed to start: STORE_KEY_MISSING .*MTS_DATA_KEY_FILE must name an existing key file/);
  expect(existsSync(join(dir.path, 'typo'))).toBe(false);
});

test('data sealed under another key: STORE_UNKNOWN_KEY_ID naming the key settings, exit 2', async () => {
  const dataDir = join(dir.path, 'data');
  const store = await openStore({ path: join(dataDir, 'seeder.sqlite'), keyring: createKeyring(dataKeyFromBytes(Buffer.alloc(32, 99))) });
  await store.createRequest({ inputKind: 'odk', config: { output: 'csv', deliverytype: 'download' } });
  await store.close();
  const { status, stderr } = await failedStart(testEnv(dataDir));
  expect(status).toBe(2);
  expect(stderr).toMatch(/^worker failed to start: STORE_UNKNOWN_KEY_ID .*MTS_DATA_KEY_PREVIOUS/);
});

test('MTS_WORKER_HTTP_PORT in use: EADDRINUSE with the address and port', async () => {
  // Real partner settings: the worker gets as far as its health server.
  const sandbox = await startSandbox({ dataDir: join(dir.path, 'ida'), port: 0, identityCount: 1 });
  const taken: Server = createServer();
  await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
  const port = (taken.address() as { port: number }).port;
  try {
    const env = testEnv(join(dir.path, 'data'), { ...sandboxAuthEnv(sandbox), MTS_WORKER_HTTP_PORT: String(port), MTS_WORKER_HTTP_HOST: '127.0.0.1' });
    const { status, stderr } = await failedStart(env);
    expect(status).toBe(1);
    expect(stderr).toMatch(new RegExp(`^worker failed to start: EADDRINUSE listen 127\\.0\\.0\\.1:${port}\\n`, 'm'));
  } finally {
    await new Promise((r) => taken.close(r));
    await sandbox.close();
  }
});

requires('postgres')('on PostgreSQL', () => {
  test('a database that does not exist: STORE_UNAVAILABLE with the SQLSTATE, not the URL or the name', async () => {
    const url = new URL(testPostgresUrl());
    url.pathname = '/mts_no_such_database_here';
    url.password = 'hunter2';
    const { status, stderr } = await failedStart(testEnv(dir.path, { MTS_DATABASE_URL: url.href }));
    expect(status).toBe(1);
    expect(stderr).toBe('worker failed to start: STORE_UNAVAILABLE the PostgreSQL database could not be reached or opened (3D000)\n');
  });
});
