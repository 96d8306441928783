import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkRequirement, findExecutable, requires, skippedTitle, testPostgresUrl } from './requires.js';

const listen = () =>
  new Promise<Server>((done) => {
    const server = createServer((socket) => socket.end()).listen(0, '127.0.0.1', () => done(server));
  });
const portOf = (server: Server) => (server.address() as { port: number }).port;

describe('checkRequirement', () => {
  it('postgres: met when something listens at MTS_TEST_PG_URL, else names the address to start it at', async () => {
    const server = await listen();
    const port = portOf(server);
    const env = { MTS_TEST_PG_URL: `postgresql://postgres@127.0.0.1:${port}/test` };
    expect(checkRequirement('postgres', env)).toEqual(expect.objectContaining({ ok: true, label: 'PostgreSQL' }));
    await new Promise((done) => server.close(done));
    expect(checkRequirement('postgres', env)).toEqual({
      requirement: 'postgres',
      ok: false,
      label: 'PostgreSQL',
      hint: `start PostgreSQL at 127.0.0.1:${port} (apt-get install postgresql; or set MTS_TEST_PG_URL)`,
    });
  });

  it('the default PostgreSQL is the CI machine’s', () => {
    expect(testPostgresUrl({})).toBe('postgresql://postgres@127.0.0.1:5432/test');
  });

  it('binaries: found by an override, or on PATH; missing ones say what to install', () => {
    const dir = mkdtempSync(join(tmpdir(), 'requires-'));
    try {
      const fake = join(dir, 'jq');
      writeFileSync(fake, '#!/bin/sh\n');
      chmodSync(fake, 0o755);
      expect(checkRequirement('jq', { PATH: dir }).ok).toBe(true);
      expect(checkRequirement('jq', { PATH: '/nonexistent', JQ_BIN: fake }).ok).toBe(true);
      expect(checkRequirement('jq', { PATH: '/nonexistent', JQ_BIN: join(dir, 'missing') })).toEqual({
        requirement: 'jq',
        ok: false,
        label: 'jq',
        hint: 'install jq (apt-get install jq; or set JQ_BIN)',
      });
      expect(checkRequirement('sshd', { PATH: dir, SSHD_BIN: join(dir, 'missing') }).hint).toMatch(/apt-get install openssh-server/);
      expect(checkRequirement('chromium', { PATH: dir, CHROMIUM_BIN: join(dir, 'missing') }).hint).toMatch(/apt-get install chromium/);
      expect(findExecutable(['missing', 'jq'], { PATH: dir })).toBe(fake);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('requires', () => {
  const real = globalThis.describe;
  afterEach(() => {
    globalThis.describe = real;
  });

  it('skips a suite whose tool is missing, marked for the summary reporter', async () => {
    const server = await listen();
    const port = portOf(server);
    await new Promise((done) => server.close(done));
    const saved = process.env['MTS_TEST_PG_URL'];
    process.env['MTS_TEST_PG_URL'] = `postgresql://postgres@127.0.0.1:${port}/test`;
    const run = jest.fn();
    const skip = jest.fn();
    globalThis.describe = Object.assign(run, { skip }) as unknown as jest.Describe;
    try {
      const body = () => undefined;
      requires('postgres')('the PostgreSQL backend', body);
      expect(run).not.toHaveBeenCalled();
      expect(skip).toHaveBeenCalledWith(skippedTitle('the PostgreSQL backend', checkRequirement('postgres')), body);
      expect(skip.mock.calls[0][0]).toBe(
        `the PostgreSQL backend [needs PostgreSQL: start PostgreSQL at 127.0.0.1:${port} (apt-get install postgresql; or set MTS_TEST_PG_URL)]`,
      );
    } finally {
      if (saved === undefined) delete process.env['MTS_TEST_PG_URL'];
      else process.env['MTS_TEST_PG_URL'] = saved;
    }
  });

  it('runs a suite whose tool is there', async () => {
    const server = await listen();
    const saved = process.env['MTS_TEST_PG_URL'];
    process.env['MTS_TEST_PG_URL'] = `postgresql://postgres@127.0.0.1:${portOf(server)}/test`;
    const run = jest.fn();
    globalThis.describe = Object.assign(run, { skip: jest.fn() }) as unknown as jest.Describe;
    try {
      requires('postgres')('the PostgreSQL backend', () => undefined);
      expect(run).toHaveBeenCalledWith('the PostgreSQL backend', expect.any(Function));
    } finally {
      if (saved === undefined) delete process.env['MTS_TEST_PG_URL'];
      else process.env['MTS_TEST_PG_URL'] = saved;
      await new Promise((done) => server.close(done));
    }
  });
});
