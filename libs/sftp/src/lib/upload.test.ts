// uploadFile against a real OpenSSH sshd on loopback (started per file, non-root test user, temporary host key).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { generateClientKey, requires, startSshd, type ClientKey, type RunningSshd } from '@mts/testing';
import { SftpError } from './errors.js';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import type { SFTPWrapper } from 'ssh2';
import { replaceRemoteFile, uploadFile, type SftpUploadTarget, type UploadOptions } from './upload.js';

jest.setTimeout(60_000);

const noWait: UploadOptions = { attempts: 2, backoffBaseMs: 1, backoffMaxMs: 1 };

requires('sshd')('uploadFile over real OpenSSH', () => {
  let sshd: RunningSshd;
  let key: ClientKey;
  let lockedKey: ClientKey;
  const login = (extra: Partial<SftpUploadTarget> = {}): SftpUploadTarget => ({
    host: sshd.host,
    port: sshd.port,
    username: sshd.username,
    password: sshd.password,
    hostKeyFingerprint: sshd.hostKeyFingerprint,
    remotePath: sshd.home,
    fileName: 'out.csv',
    ...extra,
  });
  const failure = async (p: Promise<unknown>) => {
    const error = await p.then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(SftpError);
    return error as SftpError;
  };

  beforeAll(async () => {
    sshd = await startSshd();
    key = await generateClientKey(sshd.dir);
    lockedKey = await generateClientKey(sshd.dir, 'synthetic passphrase');
    await sshd.authorizeKey(key.publicKey);
    await sshd.authorizeKey(lockedKey.publicKey);
  });
  afterAll(() => sshd?.close());

  it('logs in with a password, writes the whole stream under the final name and leaves no .part', async () => {
    const lines = Array.from({ length: 20_000 }, (_, i) => `row-${i},synthetic\n`);
    const result = await uploadFile(login({ fileName: 'big.csv' }), () => Readable.from(lines), noWait);
    expect(result).toMatchObject({ remoteFile: join(sshd.home, 'big.csv'), bytes: Buffer.byteLength(lines.join('')), attempts: 1, renamedBy: 'posix-rename' });
    expect(readFileSync(join(sshd.home, 'big.csv'), 'utf8')).toBe(lines.join(''));
    expect(readdirSync(sshd.home).filter((f) => f.endsWith('.part'))).toEqual([]);
  });

  it('replaces an existing file of the same name', async () => {
    await uploadFile(login({ fileName: 'again.json' }), () => Readable.from(['[1]']), noWait);
    await uploadFile(login({ fileName: 'again.json' }), () => Readable.from(['[2,3]']), noWait);
    expect(readFileSync(join(sshd.home, 'again.json'), 'utf8')).toBe('[2,3]');
  });

  it('logs in with a private key, and with a passphrase-protected one', async () => {
    const { password: _unused, ...noPassword } = login();
    await uploadFile({ ...noPassword, privateKey: key.privateKey, fileName: 'k.csv' }, () => Readable.from(['a\n']), noWait);
    await uploadFile({ ...noPassword, privateKey: lockedKey.privateKey, passphrase: lockedKey.passphrase, fileName: 'kp.csv' }, () => Readable.from(['b\n']), noWait);
    expect(readFileSync(join(sshd.home, 'k.csv'), 'utf8')).toBe('a\n');
    expect(readFileSync(join(sshd.home, 'kp.csv'), 'utf8')).toBe('b\n');
  });

  it('refuses a server whose host key has another fingerprint, without retrying and before any login', async () => {
    let opened = 0;
    const loginsBefore = (sshd.log().match(/Accepted /g) ?? []).length;
    const wrong = `SHA256:${Buffer.alloc(32, 7).toString('base64').replace(/=+$/, '')}`;
    const error = await failure(uploadFile(login({ hostKeyFingerprint: wrong, fileName: 'no.csv' }), () => (opened++, Readable.from(['x'])), { ...noWait, attempts: 3 }));
    expect(error).toMatchObject({ code: 'SFTP_HOST_KEY_MISMATCH', retryable: false });
    expect(opened).toBe(0);
    expect(existsSync(join(sshd.home, 'no.csv'))).toBe(false);
    expect((sshd.log().match(/Accepted /g) ?? []).length).toBe(loginsBefore);
  });

  it('reports a refused login (wrong password) as SFTP_AUTH_FAILED and never echoes the password', async () => {
    const error = await failure(uploadFile(login({ password: 'not-the-password-xyz' }), () => Readable.from(['x']), noWait));
    expect(error).toMatchObject({ code: 'SFTP_AUTH_FAILED', retryable: false });
    expect(error.message).not.toContain('not-the-password-xyz');
  });

  it('reports a missing remote directory as SFTP_NO_SUCH_PATH', async () => {
    const error = await failure(uploadFile(login({ remotePath: join(sshd.home, 'missing') }), () => Readable.from(['x']), noWait));
    expect(error.code).toBe('SFTP_NO_SUCH_PATH');
  });

  it('reports a directory the user cannot write as SFTP_PERMISSION_DENIED', async () => {
    const readOnly = await sshd.makeDir('read-only', 0o555);
    const error = await failure(uploadFile(login({ remotePath: readOnly }), () => Readable.from(['x']), noWait));
    expect(error).toMatchObject({ code: 'SFTP_PERMISSION_DENIED', retryable: false });
    expect(readdirSync(readOnly)).toEqual([]);
  });

  it('reports a full file system (a 256 KiB tmpfs) as SFTP_NO_SPACE and removes the partial file', async () => {
    const full = await sshd.tinyFilesystem('full', 256 * 1024);
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    const error = await failure(uploadFile(login({ remotePath: full, fileName: 'huge.csv' }), () => Readable.from(Array(16).fill(chunk)), noWait));
    expect(error).toMatchObject({ code: 'SFTP_NO_SPACE', retryable: false });
    expect(readdirSync(full)).toEqual([]);
  });

  it('reports a read-only file system (the user owns the directory) as SFTP_PERMISSION_DENIED', async () => {
    const ro = await sshd.tinyFilesystem('ro', 64 * 1024, { readOnly: true });
    const error = await failure(uploadFile(login({ remotePath: ro }), () => Readable.from(['x']), noWait));
    expect(error).toMatchObject({ code: 'SFTP_PERMISSION_DENIED', retryable: false, message: expect.stringMatching(/read-only/) });
  });

  it('gives up a server that accepts the connection but never answers after connectTimeoutSeconds (SFTP_TIMEOUT)', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      const port = (silent.address() as AddressInfo).port;
      const error = await failure(uploadFile(login({ port, connectTimeoutSeconds: 0.3 }), () => Readable.from(['x']), { ...noWait, attempts: 1 }));
      expect(error).toMatchObject({ code: 'SFTP_TIMEOUT', retryable: true });
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((r) => silent.close(r));
    }
  });

  it('gives up a session that stops answering mid-upload (its processes stopped) after stallTimeoutSeconds (SFTP_TIMEOUT)', async () => {
    const descendants = (pid: number): number[] => {
      let out = '';
      try {
        out = execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' }).trim();
      } catch {
        // ps exits 1 when the process has no children
      }
      const children = out ? out.split(/\s+/).map(Number) : [];
      return children.flatMap((c) => [c, ...descendants(c)]);
    };
    let stopped: number[] = [];
    const chunk = Buffer.alloc(64 * 1024, 0x62);
    async function* source() {
      yield chunk;
      // The session's processes are stopped while the upload is open: the server neither answers nor hangs up.
      await new Promise((r) => setTimeout(r, 200));
      stopped = descendants(sshd.pid);
      for (const pid of stopped) process.kill(pid, 'SIGSTOP');
      for (let i = 0; i < 4; i++) yield chunk;
    }
    try {
      const error = await failure(uploadFile(login({ fileName: 'stalled.csv' }), () => source(), { ...noWait, attempts: 1, stallTimeoutSeconds: 1 }));
      expect(error).toMatchObject({ code: 'SFTP_TIMEOUT', retryable: true });
      expect(stopped.length).toBeGreaterThan(0);
    } finally {
      for (const pid of stopped) process.kill(pid, 'SIGCONT');
    }
    expect(existsSync(join(sshd.home, 'stalled.csv'))).toBe(false);
  });

  it('tells a source that fails mid-stream (SFTP_SOURCE_FAILED, not retried) from a server failure, and removes the .part', async () => {
    let opened = 0;
    const broken = new Error('stored output is damaged');
    async function* source() {
      opened++;
      yield Buffer.alloc(32 * 1024, 0x63);
      throw broken;
    }
    const error = await failure(uploadFile(login({ fileName: 'broken.csv' }), () => source(), { ...noWait, attempts: 3 }));
    expect(error).toMatchObject({ code: 'SFTP_SOURCE_FAILED', retryable: false, cause: broken });
    expect(opened).toBe(1);
    expect(readdirSync(sshd.home).filter((f) => f.startsWith('broken.csv'))).toEqual([]);
  });

  it('reports a closed port as SFTP_UNREACHABLE after retrying', async () => {
    let sleeps = 0;
    const error = await failure(
      uploadFile(login({ port: 1 }), () => Readable.from(['x']), { ...noWait, attempts: 3, sleep: async () => void sleeps++ }),
    );
    expect(error).toMatchObject({ code: 'SFTP_UNREACHABLE', retryable: true });
    expect(sleeps).toBe(2);
  });

  it('checks every address against the outbound policy: a bracketed IPv6 literal as the address it is', async () => {
    const seen: string[] = [];
    const error = await failure(
      uploadFile(login({ host: '[::1]' }), () => Readable.from(['x']), { ...noWait, allowAddress: (_h, a) => (seen.push(a), false) }),
    );
    expect(error.code).toBe('SFTP_OUTBOUND_DENIED');
    expect(seen).toEqual(['::1']);
  });

  it('refuses an address the outbound policy does not allow, before connecting', async () => {
    const error = await failure(uploadFile(login(), () => Readable.from(['x']), { ...noWait, allowAddress: () => false }));
    expect(error).toMatchObject({ code: 'SFTP_OUTBOUND_DENIED', retryable: false });
  });
});

test('without posix-rename@openssh.com the final file is removed, then the .part renamed', async () => {
  const calls: string[] = [];
  const sftp = {
    ext_openssh_rename: () => {
      throw new Error('Server does not support this extended request');
    },
    unlink: (path: string, cb: (e?: Error) => void) => (calls.push(`unlink ${path}`), cb()),
    rename: (from: string, to: string, cb: (e?: Error) => void) => (calls.push(`rename ${from} ${to}`), cb()),
  } as unknown as SFTPWrapper;
  expect(await replaceRemoteFile(sftp, '/in/a.csv.part', '/in/a.csv')).toBe('remove-rename');
  expect(calls).toEqual(['unlink /in/a.csv', 'rename /in/a.csv.part /in/a.csv']);
});
