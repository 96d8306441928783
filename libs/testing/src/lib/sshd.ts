import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { connect, createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findExecutable } from './requires.js';
import { createTempDir, type TempDir } from './temp-dir.js';

const run = promisify(execFile);

/**
 * Each sshd gets its own non-root account, `<prefix><random>`, so that directory permissions apply and suites running
 * in parallel never change each other's password; it is removed by close().
 */
export const SFTP_TEST_USER_PREFIX = 'mts-sftp-';

/** A throwaway key pair made with `ssh-keygen` (OpenSSH text), for public-key logins. */
export interface ClientKey {
  privateKey: string;
  publicKey: string;
  passphrase?: string;
}

/** A running OpenSSH `sshd` on loopback, for tests. */
export interface RunningSshd {
  host: '127.0.0.1';
  port: number;
  /** `ssh-keygen -lf` of the temporary host key: what `hostKeyFingerprint` must be. */
  hostKeyFingerprint: string;
  /** The login (non-root, this sshd's own) and its password for this run. */
  username: string;
  password: string;
  uid: number;
  gid: number;
  /** A directory the test user owns (0755), under the temp dir: the usual upload target. */
  home: string;
  /** The listening sshd's process id (each connection is served by its descendants). */
  pid: number;
  /** The temp dir holding config, keys and targets; removed by close(). */
  dir: string;
  /** Lets `key` log in as the test user. */
  authorizeKey(publicKey: string): Promise<void>;
  /** Makes a directory under `dir` owned by the test user (mode as given; 0555 makes it read-only to them). */
  makeDir(name: string, mode?: number): Promise<string>;
  /**
   * Mounts a tmpfs of `bytes` at a new directory owned by the test user, so writes really fail with ENOSPC (or,
   * `readOnly`, with EROFS although the user owns the directory).
   * Needs CAP_SYS_ADMIN (root in CI); unmounted by close().
   */
  tinyFilesystem(name: string, bytes: number, options?: { readOnly?: boolean }): Promise<string>;
  /** The sshd log so far (stderr, `-e`), for a failing test's message. */
  log(): string;
  close(): Promise<void>;
}

/** Generates an ed25519 key pair (encrypted with `passphrase` when given) with `ssh-keygen`. */
export async function generateClientKey(dir: string, passphrase?: string): Promise<ClientKey> {
  const file = join(dir, `client-${randomBytes(4).toString('hex')}`);
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase ?? '', '-C', 'mts-test', '-f', file]);
  return { privateKey: await readFile(file, 'utf8'), publicKey: await readFile(`${file}.pub`, 'utf8'), ...(passphrase ? { passphrase } : {}) };
}

/** Runs a command that takes /etc/passwd's lock, retrying while another suite holds it. */
async function withPasswdLock(command: string, args: string[], input?: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const child = spawn(command, args, { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdin.end(input ?? '');
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    if (code === 0) return;
    if (attempt >= 20 || !/lock|try again/i.test(stderr)) throw new Error(`${command} failed (${code}): ${stderr.trim()}`);
    await new Promise((r) => setTimeout(r, 100 * attempt));
  }
}

async function createTestUser(username: string, password: string): Promise<{ uid: number; gid: number }> {
  await withPasswdLock('useradd', ['-M', '-d', '/nonexistent', '-s', '/usr/sbin/nologin', username]);
  await withPasswdLock('chpasswd', [], `${username}:${password}\n`);
  const id = async (flag: string) => Number((await run('id', [flag, username])).stdout.trim());
  return { uid: await id('-u'), gid: await id('-g') };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once the server sends its SSH banner. */
async function waitForBanner(port: number, child: ChildProcess, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`sshd exited with ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.setTimeout(1000, () => (socket.destroy(), resolve(false)));
      socket.once('data', (data) => (socket.destroy(), resolve(data.toString().startsWith('SSH-2.0-'))));
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error('sshd did not accept connections in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Starts `/usr/sbin/sshd -D -e` on 127.0.0.1 and a free port with a temporary ed25519 host key and config
 * (internal-sftp, password and public-key logins, no PAM), for a fresh non-root user
 * ({@link SFTP_TEST_USER_PREFIX}) with a random password. Needs root (useradd, chpasswd, sshd's privilege separation in /run/sshd).
 *
 * @example
 * ```ts
 * const sshd = await startSshd();
 * // upload as sshd.username / sshd.password to sshd.home, pinning sshd.hostKeyFingerprint
 * await sshd.close();
 * ```
 */
export async function startSshd(): Promise<RunningSshd> {
  const sshdBin = findExecutable(process.env['SSHD_BIN'] ? [process.env['SSHD_BIN']] : ['sshd']);
  if (!sshdBin) throw new Error('sshd is not installed (apt-get install openssh-server)');
  const temp: TempDir = await createTempDir('sshd-');
  const dir = temp.path;
  // The test user must reach its directories under the temp dir.
  await chmod(dir, 0o755);
  const password = randomBytes(18).toString('base64url');
  const username = `${SFTP_TEST_USER_PREFIX}${randomBytes(4).toString('hex')}`;
  let uid: number;
  let gid: number;
  try {
    ({ uid, gid } = await createTestUser(username, password));
  } catch (error) {
    await temp.remove();
    throw error;
  }
  const removeUser = () => withPasswdLock('userdel', [username]).catch(() => undefined);
  await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
  const hostKey = join(dir, 'host_ed25519');
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'mts-test-host', '-f', hostKey]);
  const hostKeyFingerprint = (await run('ssh-keygen', ['-lf', `${hostKey}.pub`])).stdout.split(' ')[1]!;
  await mkdir(join(dir, 'authorized_keys'), { mode: 0o755 });
  const home = join(dir, 'home');
  await mkdir(home, { mode: 0o755 });
  await run('chown', [`${uid}:${gid}`, home]);
  const mounts: string[] = [];
  let child: ChildProcess | undefined;
  let stderr = '';
  let port = 0;
  for (let tries = 0; ; tries++) {
    port = await freePort();
    const config = [
      'ListenAddress 127.0.0.1',
      `Port ${port}`,
      `HostKey ${hostKey}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}/%u`,
      'UsePAM no',
      'StrictModes no',
      'PasswordAuthentication yes',
      'KbdInteractiveAuthentication no',
      'PubkeyAuthentication yes',
      `AllowUsers ${username}`,
      'Subsystem sftp internal-sftp',
      '',
    ].join('\n');
    await writeFile(join(dir, 'sshd_config'), config);
    stderr = '';
    child = spawn(sshdBin, ['-D', '-e', '-f', join(dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-20_000)));
    try {
      await waitForBanner(port, child);
      break;
    } catch (error) {
      child.kill('SIGKILL');
      // another process took the port between the probe and sshd's bind
      if (tries < 2 && /Address already in use/.test(stderr)) continue;
      await temp.remove();
      await removeUser();
      throw new Error(`${(error as Error).message}: ${stderr.trim()}`);
    }
  }
  const sshd = child;
  const owned = async (path: string, mode: number) => {
    await run('chown', [`${uid}:${gid}`, path]);
    await chmod(path, mode);
    return path;
  };
  return {
    host: '127.0.0.1',
    port,
    hostKeyFingerprint,
    username,
    password,
    pid: sshd.pid!,
    uid,
    gid,
    home,
    dir,
    async authorizeKey(publicKey) {
      await writeFile(join(dir, 'authorized_keys', username), `${publicKey.trim()}\n`, { flag: 'a', mode: 0o644 });
    },
    async makeDir(name, mode = 0o755) {
      const path = join(dir, name);
      await mkdir(path);
      return owned(path, mode);
    },
    async tinyFilesystem(name, bytes, options = {}) {
      const path = join(dir, name);
      await mkdir(path);
      await run('mount', ['-t', 'tmpfs', '-o', `size=${bytes},mode=0755`, 'mts-test-tmpfs', path]);
      mounts.push(path);
      await owned(path, 0o755);
      // Owned by the test user, so only the read-only mount stops its writes.
      if (options.readOnly) await run('mount', ['-o', 'remount,ro', path]);
      return path;
    },
    log: () => stderr,
    async close() {
      if (sshd.exitCode === null && sshd.signalCode === null) {
        const gone = new Promise((resolve) => sshd.once('exit', resolve));
        sshd.kill('SIGTERM');
        await gone;
      }
      for (const path of mounts.reverse()) await run('umount', ['-l', path]).catch(() => undefined);
      await temp.remove();
      await removeUser();
    },
  };
}
