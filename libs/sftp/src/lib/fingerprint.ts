import { createHash } from 'node:crypto';

/** `SHA256:` and 43 characters of unpadded base64 (as `ssh-keygen -lf` prints it); trailing `=` are tolerated. */
const FINGERPRINT = /^SHA256:([A-Za-z0-9+/]{43})=?$/;

/**
 * The `ssh-keygen -lf` fingerprint of a public key blob (SSH wire format): `SHA256:` + unpadded base64 of its SHA-256.
 * @example sshFingerprint(parsedKey.getPublicSSH()) // 'SHA256:Ok/0F4T+BeLiT3c1DoReVZGCWoyzUXrVwHP57aXSGhI'
 */
export function sshFingerprint(keyBlob: Uint8Array): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** Whether `text` is a fingerprint in the `SHA256:<base64>` form. */
export function isSshFingerprint(text: unknown): text is string {
  return typeof text === 'string' && FINGERPRINT.test(text.trim());
}

/** The fingerprint in its canonical form (unpadded), or null when it is not one. */
export function normalizeFingerprint(text: string): string | null {
  const m = FINGERPRINT.exec(text.trim());
  return m ? `SHA256:${m[1]}` : null;
}
