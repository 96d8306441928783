// A PostgreSQL address where something accepts the connection and then never answers (a hung server, a proxy whose
// backend is gone): opening the store fails, retryable, after connectTimeoutMs instead of waiting for ever.
import { createServer, type Server, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { requires, testPostgresUrl, within } from '@mts/testing';
import { createKeyring, dataKeyFromBytes } from './data-key.js';
import { StoreError } from './errors.js';
import { dataSourceOf, openStore } from './store.js';

const keyring = createKeyring(dataKeyFromBytes(Buffer.alloc(32, 6)));
let server: Server;
const sockets = new Set<Socket>();
let accepted = 0;
let port: number;

beforeAll(async () => {
  server = createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.resume(); // reads the startup message, answers nothing
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((resolve) => server.close(resolve));
});

test('a server that never answers fails the open with STORE_UNAVAILABLE after connectTimeoutMs', async () => {
  const started = Date.now();
  const opening = openStore({ keyring, url: `postgres://mts@127.0.0.1:${port}/mts`, connectTimeoutMs: 300 });
  const error = await within(opening, 4000, 'openStore').then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StoreError);
  expect(error).toMatchObject({ code: 'STORE_UNAVAILABLE', retryable: true, cause: { code: 'TIMEOUT' } });
  expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  expect(accepted).toBeGreaterThan(0); // it was the silent server that timed out, not a refused connection
});

test('connectTimeoutMs must be a positive integer', async () => {
  await expect(openStore({ keyring, url: `postgres://mts@127.0.0.1:${port}/mts`, connectTimeoutMs: 0 })).rejects.toMatchObject({
    code: 'STORE_INVALID_OPTIONS',
  });
});

test('a URL that does not parse is STORE_INVALID_OPTIONS; a refused connection keeps its errno as the cause code', async () => {
  await expect(openStore({ keyring, url: 'postgres://[bad' })).rejects.toMatchObject({ code: 'STORE_INVALID_OPTIONS' });
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const closedPort = (closed.address() as { port: number }).port;
  await new Promise((resolve) => closed.close(resolve));
  await expect(openStore({ keyring, url: `postgres://mts@127.0.0.1:${closedPort}/mts` })).rejects.toMatchObject({
    code: 'STORE_UNAVAILABLE',
    cause: { code: 'ECONNREFUSED' },
  });
});

requires('postgres')('opening a database that does not exist', () => {
  test('is STORE_UNAVAILABLE with the SQLSTATE 3D000 as the cause code', async () => {
    const url = new URL(testPostgresUrl());
    url.pathname = `/mts_missing_${randomBytes(5).toString('hex')}`;
    await expect(openStore({ keyring, url: url.href })).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', cause: { code: '3D000' } });
  });
});

requires('postgres')('connectTimeoutMs on a real server', () => {
  test('bounds connecting only: a query waiting longer than it for a free connection of a busy pool still runs', async () => {
    const schema = `mts_connect_timeout_${randomBytes(5).toString('hex')}`;
    const store = await openStore({ keyring, url: testPostgresUrl(), schema, poolSize: 2, connectTimeoutMs: 200 });
    try {
      const ds = dataSourceOf(store);
      // Two connections busy for 0.6 s; the third query waits three times the connect timeout for one of them.
      const results = await Promise.allSettled([1, 2, 3].map(() => ds.query('SELECT pg_sleep(0.6)')));
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    } finally {
      await dataSourceOf(store).query(`DROP SCHEMA ${schema} CASCADE`);
      await store.close();
    }
  });
});
