// What the API's entry point prints when it cannot start: one line, `api failed to start: <CODE> <safe message>
// (<cause code>)`, exit 2 for settings (data key included), 1 otherwise; never a secret, a URL or a stack.
import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { createKeyring, dataKeyFromBytes, openStore } from '@mts/store';
import { createTempDir, requires, testPostgresUrl, type TempDir } from '@mts/testing';

jest.setTimeout(60_000);

const DATA_KEY = Buffer.alloc(32, 5).toString('base64');
let dir: TempDir;
beforeEach(async () => (dir = await createTempDir('api-start-')));
afterEach(async () => dir.remove());

/** Starts src/main.ts with only `env` (and PATH); resolves once it has exited, with its exit status and stderr. */
async function failedStart(env: Record<string, string>): Promise<{ status: number | null; stderr: string; stdout: string }> {
  const child = fork(join(__dirname, 'fixtures', 'api-process.cjs'), [], {
    env: { PATH: process.env.PATH ?? '', MTS_API_HOST: '127.0.0.1', PORT: '0', MTS_DATA_DIR: join(dir.path, 'data'), ...env },
    execArgv: ['--conditions=@mts/source', '--disable-warning=ExperimentalWarning'],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const [stdout, stderr, status] = await Promise.all([text(child.stdout!), text(child.stderr!), exit]);
  return { status, stderr, stdout };
}

test('a configuration problem: ATS-CFG-001, the variable, exit 2', async () => {
  const { status, stderr } = await failedStart({ MTS_DATA_KEY: DATA_KEY, MTS_POD_ID: 'x' });
  expect(status).toBe(2);
  expect(stderr).toMatch(/^api failed to start: ATS-CFG-001 invalid configuration:\n {2}MTS_POD_ID: /);
});

test('a malformed MTS_DATABASE_URL is a configuration problem that does not echo the URL', async () => {
  const { status, stderr } = await failedStart({ MTS_DATA_KEY: DATA_KEY, MTS_DATABASE_URL: 'postgres://mts:hunter2@[bad/mts' });
  expect(status).toBe(2);
  expect(stderr).toMatch(/^api failed to start: ATS-CFG-001 invalid configuration:\n {2}MTS_DATABASE_URL: must be a URL/);
  expect(stderr).not.toMatch(/hunter2/);
});

test('a named key file that does not exist: STORE_KEY_MISSING naming MTS_DATA_KEY_FILE, exit 2; nothing is created', async () => {
  const { status, stderr, stdout } = await failedStart({ MTS_DATA_KEY_FILE: join(dir.path, 'typo', 'sub', 'key') });
  expect(status).toBe(2);
  expect(stderr).toMatch(/^api failed to start: STORE_KEY_MISSING there is no data key file .*: MTS_DATA_KEY_FILE must name an existing key file/);
  expect(existsSync(join(dir.path, 'typo'))).toBe(false);
  expect(stdout).not.toMatch(/in the data directory/);
});

test('data sealed under a key not configured: STORE_UNKNOWN_KEY_ID naming the key settings, exit 2', async () => {
  const store = await openStore({ path: join(dir.path, 'data', 'seeder.sqlite'), keyring: createKeyring(dataKeyFromBytes(Buffer.alloc(32, 99))) });
  await store.createRequest({ inputKind: 'odk', config: { output: 'csv', deliverytype: 'download' } });
  await store.close();
  const { status, stderr } = await failedStart({ MTS_DATA_KEY: DATA_KEY });
  expect(status).toBe(2);
  expect(stderr).toMatch(/^api failed to start: STORE_UNKNOWN_KEY_ID .*MTS_DATA_KEY\b.*MTS_DATA_KEY_FILE.*MTS_DATA_KEY_PREVIOUS/);
});

test('PORT in use: EADDRINUSE with the address and port, exit 1', async () => {
  const taken: Server = createServer();
  await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
  const port = (taken.address() as { port: number }).port;
  try {
    const { status, stderr } = await failedStart({ MTS_DATA_KEY: DATA_KEY, PORT: String(port) });
    expect(status).toBe(1);
    expect(stderr).toBe(`api failed to start: EADDRINUSE listen 127.0.0.1:${port}\n`);
  } finally {
    await new Promise((r) => taken.close(r));
  }
});

requires('postgres')('on PostgreSQL', () => {
  test('a database that does not exist: STORE_UNAVAILABLE with the SQLSTATE, not the URL, the password or the name', async () => {
    const url = new URL(testPostgresUrl());
    url.pathname = '/mts_no_such_database_here';
    url.password = 'hunter2';
    const { status, stderr } = await failedStart({ MTS_DATA_KEY: DATA_KEY, MTS_DATABASE_URL: url.href });
    expect(status).toBe(1);
    expect(stderr).toBe('api failed to start: STORE_UNAVAILABLE the PostgreSQL database could not be reached or opened (3D000)\n');
  });

  test('a port nobody listens on: the errno ECONNREFUSED', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as { port: number }).port;
    await new Promise((r) => closed.close(r));
    const { status, stderr } = await failedStart({ MTS_DATA_KEY: DATA_KEY, MTS_DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/test` });
    expect(status).toBe(1);
    expect(stderr).toBe('api failed to start: STORE_UNAVAILABLE the PostgreSQL database could not be reached or opened (ECONNREFUSED)\n');
  });
});
