import ssh2 from 'ssh2';

/** Why a private key cannot be used; null when it can. */
export type PrivateKeyProblem = { code: 'SFTP_KEY_UNREADABLE' | 'SFTP_KEY_PASSPHRASE'; message: string } | null;

/**
 * Checks that `privateKey` (OpenSSH or PEM text) parses as a private key with `passphrase`, as the upload will
 * parse it. Never echoes the key or the passphrase.
 * @example checkPrivateKey(pemText, 'secret') // null when usable
 */
export function checkPrivateKey(privateKey: string, passphrase?: string): PrivateKeyProblem {
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
