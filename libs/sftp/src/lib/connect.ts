import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import ssh2 from 'ssh2';
import type { Client, SFTPWrapper } from 'ssh2';
import { SftpError } from './errors.js';
import { normalizeFingerprint, sshFingerprint } from './fingerprint.js';

/** Where and how to log in: one of `password` or `privateKey` (+ `passphrase`); the host key pinned by fingerprint. */
export interface SftpConnectOptions {
  host: string;
  /** Default 22. */
  port?: number;
  username: string;
  password?: string;
  /** OpenSSH or PEM private key text. */
  privateKey?: string;
  passphrase?: string;
  /** `SHA256:<base64>` as `ssh-keygen -lf` prints it; any other host key is refused. */
  hostKeyFingerprint: string;
  /** Until the login is done; default 10. */
  connectTimeoutSeconds?: number;
}

/** How a connection is made; every field has a default. */
export interface SftpTransportOptions {
  /** Whether the service may connect to `address` (resolved from `host`); default: anything. */
  allowAddress?: (host: string, address: string) => boolean;
  /** Resolves a host name to its addresses (default: the system resolver). */
  lookup?: (host: string) => Promise<string[]>;
}

/** An open SFTP session; `close()` ends the SSH connection. */
export interface SftpSession {
  sftp: SFTPWrapper;
  /** The address actually connected to. */
  address: string;
  /** Ends the connection politely. */
  close(): void;
  /** Drops the connection at once (a server that stopped answering). */
  destroy(): void;
}

const systemLookup = async (host: string) => (await dnsLookup(host, { all: true })).map((a) => a.address);

/** The one address to connect to: every address the host resolves to must be allowed (no DNS-rebinding pick). */
async function resolveAllowed(host: string, transport: SftpTransportOptions): Promise<string> {
  let addresses: string[];
  // An IPv6 literal may come bracketed, as in URLs.
  const literal = host.replace(/^\[(.*)\]$/, '$1');
  try {
    addresses = isIP(literal) ? [literal] : await (transport.lookup ?? systemLookup)(host);
  } catch (cause) {
    throw new SftpError('SFTP_UNREACHABLE', 'the SFTP host name does not resolve', { retryable: true, cause });
  }
  if (addresses.length === 0) throw new SftpError('SFTP_UNREACHABLE', 'the SFTP host name does not resolve', { retryable: true });
  const allowed = transport.allowAddress ?? (() => true);
  if (addresses.some((a) => !allowed(host, a))) {
    throw new SftpError('SFTP_OUTBOUND_DENIED', 'the SFTP host resolves to an address the outbound policy refuses');
  }
  return addresses[0]!;
}

/** Maps an ssh2 connection error to a code; the host key verdict is known to the caller. */
function connectError(error: Error & { level?: string; code?: string }, hostKeyRefused: boolean): SftpError {
  if (hostKeyRefused) {
    return new SftpError('SFTP_HOST_KEY_MISMATCH', 'the SFTP server presented a host key that does not match hostKeyFingerprint');
  }
  switch (error.level) {
    case 'client-authentication':
      return new SftpError('SFTP_AUTH_FAILED', 'the SFTP server refused the login', { cause: error });
    case 'client-timeout':
      return new SftpError('SFTP_TIMEOUT', 'the SFTP server did not complete the login in time', { retryable: true, cause: error });
    case 'client-socket':
    case 'client-dns':
      return new SftpError('SFTP_UNREACHABLE', `the SFTP server cannot be reached (${error.code ?? 'socket error'})`, { retryable: true, cause: error });
    default:
      return new SftpError('SFTP_HANDSHAKE_FAILED', 'the SSH handshake with the SFTP server failed', { cause: error });
  }
}

/**
 * Connects, checks the host key against the pinned fingerprint, logs in and opens the SFTP subsystem.
 * @example const s = await openSftp({ host, username, password, hostKeyFingerprint }); try { … } finally { s.close(); }
 */
export async function openSftp(options: SftpConnectOptions, transport: SftpTransportOptions = {}): Promise<SftpSession> {
  const expected = normalizeFingerprint(options.hostKeyFingerprint ?? '');
  if (!expected) throw new SftpError('SFTP_INVALID_OPTIONS', 'hostKeyFingerprint is not of the form SHA256:<base64>');
  if (!options.password === !options.privateKey) throw new SftpError('SFTP_INVALID_OPTIONS', 'give exactly one of password and privateKey');
  const address = await resolveAllowed(options.host, transport);
  const client: Client = new ssh2.Client();
  let hostKeyRefused = false;
  await new Promise<void>((resolve, reject) => {
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      client.end();
      reject(connectError(error, hostKeyRefused));
    };
    client.once('ready', () => {
      settled = true;
      resolve();
    });
    client.on('error', fail);
    client.once('close', () => fail(Object.assign(new Error('connection closed before login'), { level: 'client-socket', code: 'ECONNRESET' })));
    client.connect({
      host: address,
      port: options.port ?? 22,
      username: options.username,
      ...(options.password ? { password: options.password } : { privateKey: options.privateKey, passphrase: options.passphrase }),
      tryKeyboard: false,
      readyTimeout: (options.connectTimeoutSeconds ?? 10) * 1000,
      // A dead peer mid-upload is noticed after ~30 s instead of never.
      keepaliveInterval: 10_000,
      keepaliveCountMax: 3,
      hostVerifier: (key: Buffer) => {
        hostKeyRefused = sshFingerprint(key) !== expected;
        return !hostKeyRefused;
      },
    });
  });
  const timeoutMs = (options.connectTimeoutSeconds ?? 10) * 1000;
  const sftp = await new Promise<SFTPWrapper>((resolve, reject) => {
    // The subsystem is opened within the connect timeout too.
    const timer = setTimeout(() => {
      client.destroy();
      reject(new SftpError('SFTP_TIMEOUT', 'the SFTP server did not open the SFTP subsystem in time', { retryable: true }));
    }, timeoutMs);
    client.sftp((error, session) => {
      clearTimeout(timer);
      if (error) {
        client.end();
        reject(new SftpError('SFTP_SUBSYSTEM_UNAVAILABLE', 'the SSH server does not offer the SFTP subsystem', { cause: error }));
      } else resolve(session);
    });
  });
  return { sftp, address, close: () => client.end(), destroy: () => client.destroy() };
}
