import type { KeyObject, X509Certificate } from 'node:crypto';
import { base64UrlDecode, sha256UpperHex, verifyDetachedJws, verifyRs256 } from '@mts/crypto';
import { idaErrors, rejectF } from './ida-errors.js';

/** What signature verification established about the caller's certificate. */
export interface SignatureResult {
  /** Upper-hex SHA-256 of the `x5c[0]` DER; null when the header had no certificate. */
  certHash: string | null;
}

interface KnownHeader {
  key: KeyObject;
  certificate: X509Certificate | undefined;
  certHash: string | null;
}

function headerHasX5c(segment: string): boolean {
  try {
    const header = JSON.parse(base64UrlDecode(segment).toString('utf8')) as { x5c?: unknown };
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
  // A client signs every request under the same protected header, so the header's checks (alg, x5c parsing,
  // CA trust) are done once per header by @mts/crypto and remembered; later requests only verify RS256.
  const known = new Map<string, KnownHeader>();
  const isTrusted = (cert: X509Certificate, now: number): boolean =>
    Date.parse(cert.validFrom) <= now &&
    Date.parse(cert.validTo) >= now &&
    cert.checkIssued(options.authCa) &&
    cert.verify(options.authCa.publicKey);

  return async (jws, body, now) => {
    const parts = typeof jws === 'string' ? jws.split('.') : [];
    const seen = parts.length === 3 && parts[1] === '' ? known.get(parts[0]!) : undefined;
    if (seen) {
      const { key, certificate, certHash } = seen;
      if (certificate && !(Date.parse(certificate.validFrom) <= now && Date.parse(certificate.validTo) >= now)) {
        rejectF(idaErrors.signatureFailed());
      }
      if (!verifyRs256(parts[0]!, body.toString('base64url'), key, Buffer.from(parts[2]!, 'base64url'))) rejectF(idaErrors.signatureFailed());
      return { certHash };
    }
    const withX5c = headerHasX5c(parts[0] ?? '');
    let certificate: X509Certificate | undefined;
    try {
      const verified = await verifyDetachedJws(jws, body, withX5c ? { x5c: options.x5cMode } : { certificate: options.idaSignCert });
      certificate = verified.certificate;
    } catch {
      rejectF(idaErrors.signatureFailed());
    }
    if (certificate && !isTrusted(certificate, now)) rejectF(idaErrors.signatureFailed());
    const result = { certHash: certificate ? sha256UpperHex(certificate.raw) : null };
    if (known.size >= 1000) known.clear();
    known.set(parts[0]!, { key: (certificate ?? options.idaSignCert).publicKey, certificate, ...result });
    return result;
  };
}
