import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { SFTPWrapper } from 'ssh2';
import { openSftp, type SftpConnectOptions, type SftpTransportOptions } from './connect.js';
import { SftpError } from './errors.js';
import { remoteError } from './remote-errors.js';
import { throttle } from './throttle.js';
import { createWatchdog } from './watchdog.js';

/** What to upload where: the connection, the remote directory and the file name (no `/`). */
export interface SftpUploadTarget extends SftpConnectOptions {
  /** An existing directory; default the login directory. */
  remotePath?: string;
  fileName: string;
}

/** The bytes to upload: called once per attempt, so a retry starts from the first byte. */
export type UploadSource = () => Promise<Readable | AsyncIterable<Uint8Array | string>> | Readable | AsyncIterable<Uint8Array | string>;

/** Retries, backoff and limits; every field has a default. */
export interface UploadOptions extends SftpTransportOptions {
  /** Attempts for retryable failures (network, timeouts); default 3. Host key, login and path failures are not retried. */
  attempts?: number;
  /** Default 1000; doubled each attempt up to `backoffMaxMs` (15000), with jitter. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** After the login: give up (SFTP_TIMEOUT, retryable) when the server makes no progress this long; default 60. */
  stallTimeoutSeconds?: number;
  /** A bandwidth cap for the upload (bytes per second); default none. */
  maxBytesPerSecond?: number;
  signal?: AbortSignal;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/** A completed upload. */
export interface UploadResult {
  /** The final remote path. */
  remoteFile: string;
  bytes: number;
  attempts: number;
  /** `posix-rename` (atomic replace, posix-rename@openssh.com) or `remove-rename` where the server lacks it. */
  renamedBy: 'posix-rename' | 'remove-rename';
}

/**
 * Streams `source` to `<remotePath>/<fileName>.part`, then renames it to `<fileName>` (replacing an existing file):
 * the final name appears only complete. An interrupted upload leaves at most the `.part`, which the next upload
 * overwrites from the first byte. Throws {@link SftpError}.
 *
 * @example
 * ```ts
 * await uploadFile({ host: 'sftp.example.org', username: 'mts', password, hostKeyFingerprint: 'SHA256:…',
 *   remotePath: 'incoming', fileName: 'tokens.csv' }, () => createReadStream('tokens.csv'));
 * ```
 */
export async function uploadFile(target: SftpUploadTarget, source: UploadSource, options: UploadOptions = {}): Promise<UploadResult> {
  if (!target.fileName || target.fileName.includes('/') || target.fileName === '.' || target.fileName === '..') {
    throw new SftpError('SFTP_INVALID_OPTIONS', 'fileName must be a plain file name');
  }
  const attempts = Math.max(1, options.attempts ?? 3);
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (let attempt = 1; ; attempt++) {
    if (options.signal?.aborted) throw new SftpError('SFTP_ABORTED', 'the upload was aborted');
    try {
      return { ...(await uploadOnce(target, source, options)), attempts: attempt };
    } catch (error) {
      const failure = error instanceof SftpError ? error : new SftpError('SFTP_CONNECTION_LOST', 'the upload failed', { retryable: true, cause: error });
      if (!failure.retryable || attempt >= attempts) throw failure;
      const ceiling = Math.min(options.backoffMaxMs ?? 15_000, (options.backoffBaseMs ?? 1000) * 2 ** (attempt - 1));
      await sleep(ceiling / 2 + (options.random ?? Math.random)() * (ceiling / 2));
    }
  }
}

async function uploadOnce(target: SftpUploadTarget, source: UploadSource, options: UploadOptions): Promise<Omit<UploadResult, 'attempts'>> {
  const session = await openSftp(target, options);
  const { sftp } = session;
  const dir = target.remotePath ? target.remotePath.replace(/(.)\/+$/, '$1') : '.';
  const finalPath = posix.join(dir, target.fileName);
  const partPath = `${finalPath}.part`;
  const watchdog = createWatchdog((options.stallTimeoutSeconds ?? 60) * 1000, () => session.destroy());
  const { guard } = watchdog;
  try {
    const stats = await guard(call<{ isDirectory(): boolean }>((cb) => sftp.stat(dir, cb))).catch(async (e) => {
      throw await remoteError(sftp, e, dir, 'remotePath');
    });
    if (!stats.isDirectory()) throw new SftpError('SFTP_NO_SUCH_PATH', 'remotePath is not a directory on the SFTP server');
    let input: Readable | AsyncIterable<Uint8Array | string>;
    try {
      input = await source();
    } catch (cause) {
      throw new SftpError('SFTP_SOURCE_FAILED', 'the output to upload could not be read', { cause });
    }
    const out = sftp.createWriteStream(partPath, { flags: 'w', mode: 0o640 });
    let bytes = 0;
    // Counts the bytes, marks progress, and tells a failure of the source from one of the server.
    const count = async function* (chunks: AsyncIterable<Uint8Array | string>) {
      const iterator = chunks[Symbol.asyncIterator]();
      for (;;) {
        let next: IteratorResult<Uint8Array | string>;
        try {
          next = await iterator.next();
        } catch (cause) {
          throw new SftpError('SFTP_SOURCE_FAILED', 'the output to upload could not be read', { cause });
        }
        if (next.done) return;
        bytes += typeof next.value === 'string' ? Buffer.byteLength(next.value) : next.value.byteLength;
        watchdog.touch();
        yield next.value;
      }
    };
    try {
      const stages = options.maxBytesPerSecond ? [count, throttle(options.maxBytesPerSecond, options.signal)] : [count];
      await guard((pipeline as (...streams: unknown[]) => Promise<void>)(input, ...stages, out, { signal: options.signal }));
    } catch (error) {
      const failure = options.signal?.aborted ? new SftpError('SFTP_ABORTED', 'the upload was aborted') : await remoteError(sftp, error, dir, 'writing the file');
      await guard(call((cb) => sftp.unlink(partPath, cb))).catch(() => undefined);
      throw failure;
    }
    const renamedBy = await guard(replaceRemoteFile(sftp, partPath, finalPath)).catch(async (e) => {
      throw await remoteError(sftp, e, dir, 'renaming the file');
    });
    return { remoteFile: finalPath, bytes, renamedBy };
  } finally {
    watchdog.stop();
    session.close();
  }
}

/** Atomic replace with posix-rename@openssh.com; else SFTP's rename, which refuses an existing target, after a remove. */
export async function replaceRemoteFile(sftp: SFTPWrapper, from: string, to: string): Promise<UploadResult['renamedBy']> {
  try {
    await call((cb) => sftp.ext_openssh_rename(from, to, cb));
    return 'posix-rename';
  } catch (error) {
    // ssh2 throws this synchronously when the server did not offer the extension.
    if (!/does not support this extended request/.test((error as Error).message)) throw error;
  }
  await call((cb) => sftp.unlink(to, cb)).catch(() => undefined);
  await call((cb) => sftp.rename(from, to, cb));
  return 'remove-rename';
}

/** A callback-style SFTP call as a promise (a synchronous throw rejects too). */
function call<T = void>(fn: (cb: (error: Error | null | undefined, value?: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    try {
      fn((error, value) => (error ? reject(error) : resolve(value as T)));
    } catch (error) {
      reject(error);
    }
  });
}
