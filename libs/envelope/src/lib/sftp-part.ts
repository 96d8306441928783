import { isObject, issue } from './envelope-rules.js';
import type { DeliveryEnvelopePart, EnvelopeIssue, JsonSchema } from './parts.js';

/**
 * `request.sftpProperties`, required when `deliverytype` is `sftp` (ATS-REQ-080..089): where the output file is
 * uploaded. Exactly one of `password` and `privateKey`. Stored encrypted with the request and erased with its PII.
 */
export interface SftpProperties {
  host: string;
  /** Default 22. */
  port?: number;
  username: string;
  password?: string;
  /** OpenSSH or PEM private key text (newlines as `\n` in JSON). */
  privateKey?: string;
  /** For an encrypted `privateKey`. */
  passphrase?: string;
  /** `SHA256:<base64>` as `ssh-keygen -lf` prints it; required: an unknown or different host key refuses the upload. */
  hostKeyFingerprint: string;
  /** An existing directory; default the login directory. */
  remotePath?: string;
  /** A template over {@link SFTP_FILE_NAME_PLACEHOLDERS}; default `{requestId}.csv` or `{requestId}.json` by output. */
  fileName?: string;
  /** Until the login is done; default 10, at most 120. */
  connectTimeoutSeconds?: number;
}

/** The placeholders a `fileName` template may use; dates are the request's submission time, in UTC. */
export const SFTP_FILE_NAME_PLACEHOLDERS = Object.freeze({
  requestId: 'the request id',
  date: 'YYYY-MM-DD',
  time: 'HHMMSS',
  timestamp: 'YYYYMMDDTHHMMSSZ',
  output: '`csv`, `json` or `ndjson`',
});

const str = { type: 'string' };
/** The shape of `sftpProperties` (for OpenAPI); the 400 rules below check everything first. */
export const sftpPropertiesSchema: JsonSchema = {
  type: ['object', 'null'],
  required: ['host', 'username', 'hostKeyFingerprint'],
  properties: {
    host: str,
    port: { type: 'integer', minimum: 1, maximum: 65535, default: 22 },
    username: str,
    password: str,
    privateKey: str,
    passphrase: str,
    hostKeyFingerprint: { type: 'string', pattern: '^SHA256:[A-Za-z0-9+/]{43}=?$' },
    remotePath: str,
    fileName: { type: 'string', default: '{requestId}.csv | {requestId}.json' },
    connectTimeoutSeconds: { type: 'number', exclusiveMinimum: 0, maximum: 120, default: 10 },
  },
};

const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}=?$/;
// A host name (RFC 1123 labels), an IPv4 address, or an IPv6 literal (brackets optional).
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?|\[?[0-9A-Fa-f:.]+\]?)$/;
const filled = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';
const unsafe = (v: string) => v.includes('\0') || v.split(/[/\\]/).includes('..');

/** Options of {@link checkSftpProperties}. */
export interface SftpCheckOptions {
  /** Parses the private key with its passphrase; a message when it cannot be used (`@mts/sftp`'s `checkPrivateKey`). */
  checkPrivateKey?: (privateKey: string, passphrase?: string) => string | null;
}

/**
 * The first problem with `sftpProperties`, or null: ATS-REQ-080 missing, 081 host, 082 username, 083 port,
 * 084 not exactly one of password / privateKey, 085 unusable private key, 086 hostKeyFingerprint, 087 a path with
 * `..` or NUL (or a fileName with `/`), 088 an unknown fileName placeholder, 089 connectTimeoutSeconds.
 * Messages name the field, never its value.
 */
export function checkSftpProperties(props: unknown, options: SftpCheckOptions = {}): EnvelopeIssue | null {
  if (!isObject(props)) return issue('ATS-REQ-080', 'sftpProperties cannot be empty for deliverytype sftp');
  const { host, port, username, password, privateKey, passphrase, hostKeyFingerprint, remotePath, fileName, connectTimeoutSeconds } = props;
  if (!filled(host) || host.length > 253 || !HOST.test(host.trim())) return issue('ATS-REQ-081', 'host in sftpProperties must be a host name or an IP address');
  if (!filled(username)) return issue('ATS-REQ-082', 'username in sftpProperties cannot be empty');
  if (port !== undefined && port !== null && !(Number.isInteger(port) && (port as number) >= 1 && (port as number) <= 65535)) {
    return issue('ATS-REQ-083', 'port in sftpProperties must be an integer from 1 to 65535');
  }
  const hasPassword = password !== undefined && password !== null;
  const hasKey = privateKey !== undefined && privateKey !== null;
  if (hasPassword === hasKey) return issue('ATS-REQ-084', 'sftpProperties needs exactly one of password and privateKey');
  if (hasPassword && (typeof password !== 'string' || password === '')) return issue('ATS-REQ-084', 'password in sftpProperties cannot be empty');
  if (passphrase !== undefined && passphrase !== null && (!hasKey || typeof passphrase !== 'string')) {
    return issue('ATS-REQ-084', 'passphrase in sftpProperties goes with privateKey only');
  }
  if (hasKey) {
    if (!filled(privateKey)) return issue('ATS-REQ-085', 'privateKey in sftpProperties cannot be empty');
    const problem = options.checkPrivateKey?.(privateKey, (passphrase as string | undefined) ?? undefined);
    if (problem) return issue('ATS-REQ-085', `privateKey in sftpProperties cannot be used: ${problem}`);
  }
  if (typeof hostKeyFingerprint !== 'string' || !FINGERPRINT.test(hostKeyFingerprint.trim())) {
    return issue('ATS-REQ-086', 'hostKeyFingerprint in sftpProperties must be SHA256:<base64>, as ssh-keygen -lf prints it');
  }
  if (remotePath !== undefined && remotePath !== null && (typeof remotePath !== 'string' || unsafe(remotePath))) {
    return issue('ATS-REQ-087', 'remotePath in sftpProperties cannot contain .. or NUL');
  }
  if (fileName !== undefined && fileName !== null) {
    if (typeof fileName !== 'string' || fileName.trim() === '' || unsafe(fileName) || /[/\\]/.test(fileName) || fileName.length > 200) {
      return issue('ATS-REQ-087', 'fileName in sftpProperties must be a plain file name (no /, .., NUL; at most 200 characters)');
    }
    if (fileNamePlaceholderProblem(fileName)) {
      const known = Object.keys(SFTP_FILE_NAME_PLACEHOLDERS).map((k) => `{${k}}`).join(', ');
      return issue('ATS-REQ-088', `fileName in sftpProperties may use only the placeholders ${known}`);
    }
  }
  if (connectTimeoutSeconds !== undefined && connectTimeoutSeconds !== null) {
    const t = connectTimeoutSeconds;
    if (typeof t !== 'number' || !Number.isFinite(t) || t <= 0 || t > 120) return issue('ATS-REQ-089', 'connectTimeoutSeconds in sftpProperties must be a number above 0 and at most 120');
  }
  return null;
}

function fileNamePlaceholderProblem(template: string): boolean {
  const rest = template.replace(/\{([A-Za-z]+)\}/g, (whole, name: string) => (Object.hasOwn(SFTP_FILE_NAME_PLACEHOLDERS, name) ? '' : '\u0000'));
  return /[{}\u0000]/.test(rest);
}

/**
 * The upload's file name: the template (default `{requestId}.<output>`) with its placeholders filled in.
 * @example renderSftpFileName(undefined, { requestId: 'abc', output: 'csv', requestedAt: new Date() }) // 'abc.csv'
 */
export function renderSftpFileName(template: string | undefined | null, values: { requestId: string; output: string; requestedAt: Date }): string {
  const iso = values.requestedAt.toISOString();
  const date = iso.slice(0, 10);
  const time = iso.slice(11, 19).replace(/:/g, '');
  const filled: Record<keyof typeof SFTP_FILE_NAME_PLACEHOLDERS, string> = {
    requestId: values.requestId,
    date,
    time,
    timestamp: `${date.replace(/-/g, '')}T${time}Z`,
    output: values.output,
  };
  return (template || `{requestId}.${values.output}`).replace(/\{([A-Za-z]+)\}/g, (_, name: keyof typeof filled) => filled[name]);
}

/**
 * `deliverytype: sftp`'s envelope part; `checkPrivateKey` makes an unusable key ATS-REQ-085 at submission (the
 * connectors pass ssh2's parser, which this package does not depend on).
 */
export function createSftpDeliveryPart(options: SftpCheckOptions = {}): DeliveryEnvelopePart {
  return {
    deliverytype: 'sftp',
    key: 'sftpProperties',
    schema: sftpPropertiesSchema,
    rule: (props) => {
      const problem = checkSftpProperties(props, options);
      return problem ? [problem] : [];
    },
  };
}
