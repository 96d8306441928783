import type { X509Certificate } from 'node:crypto';
import { base64UrlDecode, sha256UpperHex, verifyDetachedJws } from '@mts/crypto';
import { idaErrors, rejectF } from './ida-errors.js';

/** What signature verification established about the caller's certificate. */
export interface SignatureResult {
  /** Upper-hex SHA-256 of the `x5c[0]` DER; null when the header had no certificate. */
  certHash: string | null;
}

function headerHasX5c(jws: string): boolean {
  try {
    const header = JSON.parse(base64UrlDecode(jws.split('.')[0] ?? '').toString('utf8')) as { x5c?: unknown };
    return Array.isArray(header.x5c) && header.x5c.length > 0;
  } catch {
    return false;
  }
}

/**
 * IDA's request-signature check (KM jwtVerify then verifyCertificateTrust): RS256 over the exact body, the
 * x5c certificate within its dates and issued by the AUTH-domain CA. Without x5c, KM verifies with IDA's own
 * signing key, which a partner's signature fails. Any failure is IDA-MPA-001.
 */
export function createSignatureVerifier(options: {
  authCa: X509Certificate;
  idaSignCert: X509Certificate;
  x5cMode: 'lenient' | 'strict';
}): (jws: string, body: Buffer, now: number) => Promise<SignatureResult> {
  // Trust is decided once per certificate: the CA signature check is an RSA operation.
  const trusted = new Map<string, boolean>();
  const isTrusted = (cert: X509Certificate, now: number): boolean => {
    if (Date.parse(cert.validFrom) > now || Date.parse(cert.validTo) < now) return false;
    let ok = trusted.get(cert.fingerprint256);
    if (ok === undefined) {
      ok = cert.checkIssued(options.authCa) && cert.verify(options.authCa.publicKey);
      if (trusted.size > 1000) trusted.clear();
      trusted.set(cert.fingerprint256, ok);
    }
    return ok;
  };

  return async (jws, body, now) => {
    const withX5c = headerHasX5c(jws);
    let certificate: X509Certificate | undefined;
    try {
      const verified = await verifyDetachedJws(jws, body, withX5c ? { x5c: options.x5cMode } : { certificate: options.idaSignCert });
      certificate = verified.certificate;
    } catch {
      rejectF(idaErrors.signatureFailed());
    }
    if (!certificate) return { certHash: null };
    if (!isTrusted(certificate, now)) rejectF(idaErrors.signatureFailed());
    return { certHash: sha256UpperHex(certificate.raw) };
  };
}
