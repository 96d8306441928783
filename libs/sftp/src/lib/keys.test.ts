import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { createTempDir, generateClientKey, type TempDir } from '@mts/testing';
import { checkPrivateKey, MAX_KDF_ROUNDS, opensshKdfRounds } from './keys.js';
import { isSshFingerprint, normalizeFingerprint, sshFingerprint } from './fingerprint.js';

let dir: TempDir;
beforeAll(async () => (dir = await createTempDir('sftp-keys-')));
afterAll(() => dir.remove());

test('sshFingerprint agrees with ssh-keygen -lf', async () => {
  const key = await generateClientKey(dir.path);
  const parsed = ssh2.utils.parseKey(key.publicKey) as { getPublicSSH(): Buffer };
  const file = join(dir.path, 'pub.pub');
  writeFileSync(file, key.publicKey);
  const expected = execFileSync('ssh-keygen', ['-lf', file], { encoding: 'utf8' }).split(' ')[1];
  expect(sshFingerprint(parsed.getPublicSSH())).toBe(expected);
  expect(isSshFingerprint(expected)).toBe(true);
  expect(normalizeFingerprint(`${expected}=`)).toBe(expected);
  for (const bad of ['', 'MD5:aa:bb', 'SHA256:short', `sha256:${expected!.slice(7)}`, 'SHA256:' + 'a'.repeat(44)]) expect(isSshFingerprint(bad)).toBe(false);
});

test('checkPrivateKey: a usable key, an encrypted one with and without its passphrase, a public key, rubbish', async () => {
  const plain = await generateClientKey(dir.path);
  const locked = await generateClientKey(dir.path, 'synthetic passphrase');
  expect(checkPrivateKey(plain.privateKey)).toBeNull();
  expect(checkPrivateKey(locked.privateKey, 'synthetic passphrase')).toBeNull();
  expect(checkPrivateKey(locked.privateKey)?.code).toBe('SFTP_KEY_PASSPHRASE');
  expect(checkPrivateKey(locked.privateKey, 'wrong')?.code).toBe('SFTP_KEY_PASSPHRASE');
  expect(checkPrivateKey(plain.publicKey)?.code).toBe('SFTP_KEY_UNREADABLE');
  expect(checkPrivateKey('-----BEGIN OPENSSH PRIVATE KEY-----\nnot a key\n-----END OPENSSH PRIVATE KEY-----')?.code).toBe('SFTP_KEY_UNREADABLE');
  expect(checkPrivateKey('')?.code).toBe('SFTP_KEY_UNREADABLE');
  // The messages never carry the key or the passphrase.
  expect(JSON.stringify(checkPrivateKey(locked.privateKey, 'xyzzy-pp-42'))).not.toMatch(/xyzzy-pp-42|PRIVATE KEY/);
});

test('an encrypted key that asks for too many bcrypt rounds is refused before any decryption (SFTP_KEY_TOO_COSTLY)', async () => {
  const plain = await generateClientKey(dir.path);
  const usual = await generateClientKey(dir.path, 'synthetic passphrase');
  expect(opensshKdfRounds(plain.privateKey)).toBe(0);
  expect(opensshKdfRounds(usual.privateKey)).toBe(16);
  const file = join(dir.path, 'costly');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-a', String(MAX_KDF_ROUNDS + 1), '-N', 'synthetic passphrase', '-f', file]);
  const costly = readFileSync(file, 'utf8');
  expect(opensshKdfRounds(costly)).toBe(MAX_KDF_ROUNDS + 1);
  expect(checkPrivateKey(costly, 'synthetic passphrase')?.code).toBe('SFTP_KEY_TOO_COSTLY');
  expect(opensshKdfRounds('-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----')).toBeNull();
});
