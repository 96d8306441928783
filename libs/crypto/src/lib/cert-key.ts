import type { KeyObject, X509Certificate } from 'node:crypto';

// X509Certificate#publicKey builds a new KeyObject on every read; hot paths ask once per request.
const certKeys = new WeakMap<X509Certificate, KeyObject>();

/** The certificate's public key, created once per certificate object. */
export function certificatePublicKey(cert: X509Certificate): KeyObject {
  let key = certKeys.get(cert);
  if (!key) {
    key = cert.publicKey;
    certKeys.set(cert, key);
  }
  return key;
}
