import ssh2 from 'ssh2';

/** Why a private key cannot be used; null when it can. */
export type PrivateKeyProblem = { code: 'SFTP_KEY_UNREADABLE' | 'SFTP_KEY_PASSPHRASE' | 'SFTP_KEY_TOO_COSTLY'; message: string } | null;

/**
 * The most bcrypt rounds an encrypted OpenSSH key may ask for: decrypting it is synchronous CPU work (~20 ms a round
 * here, in ssh2's pure-JS bcrypt), done at submission and at each login. `ssh-keygen` uses 16 unless told otherwise.
 */
export const MAX_KDF_ROUNDS = 64;

/** The bcrypt rounds an `openssh-key-v1` key's KDF asks for; 0 for an unencrypted key, null for another format. */
export function opensshKdfRounds(privateKey: string): number | null {
  const m = /-----BEGIN OPENSSH PRIVATE KEY-----([\s\S]*?)-----END OPENSSH PRIVATE KEY-----/.exec(privateKey);
  if (!m) return null;
  const blob = Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64');
  const magic = 'openssh-key-v1\0';
  if (blob.subarray(0, magic.length).toString('latin1') !== magic) return null;
  let at = magic.length;
  const field = () => {
    if (at + 4 > blob.length) throw new RangeError('truncated key');
    const len = blob.readUInt32BE(at);
    const value = blob.subarray(at + 4, at + 4 + len);
    at += 4 + len;
    return value;
  };
  try {
    field(); // cipher name
    const kdf = field().toString('latin1');
    const options = field();
    if (kdf !== 'bcrypt') return 0;
    // kdf options: string salt, uint32 rounds
    const saltLength = options.readUInt32BE(0);
    return options.readUInt32BE(4 + saltLength);
  } catch {
    return null;
  }
}

/**
 * Checks that `privateKey` (OpenSSH or PEM text) parses as a private key with `passphrase`, as the upload will
 * parse it. Never echoes the key or the passphrase.
 * @example checkPrivateKey(pemText, 'secret') // null when usable
 */
export function checkPrivateKey(privateKey: string, passphrase?: string): PrivateKeyProblem {
  const rounds = opensshKdfRounds(privateKey);
  if (rounds !== null && rounds > MAX_KDF_ROUNDS) {
    return { code: 'SFTP_KEY_TOO_COSTLY', message: `privateKey asks for more than ${MAX_KDF_ROUNDS} key-derivation rounds` };
  }
  let parsed: ReturnType<typeof ssh2.utils.parseKey> | ReturnType<typeof ssh2.utils.parseKey>[];
  try {
    parsed = ssh2.utils.parseKey(privateKey, passphrase);
  } catch {
    return { code: 'SFTP_KEY_UNREADABLE', message: 'privateKey is not a readable private key' };
  }
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (key instanceof Error || key === undefined) {
    // ssh2 says "Encrypted private OpenSSH key detected, but no passphrase given" / "bad passphrase?"
    const passphraseProblem = /passphrase/i.test(key?.message ?? '');
    return passphraseProblem
      ? { code: 'SFTP_KEY_PASSPHRASE', message: 'privateKey is encrypted and the passphrase is missing or wrong' }
      : { code: 'SFTP_KEY_UNREADABLE', message: 'privateKey is not a readable private key' };
  }
  if (!key.isPrivateKey()) return { code: 'SFTP_KEY_UNREADABLE', message: 'privateKey is a public key, not a private one' };
  return null;
}
