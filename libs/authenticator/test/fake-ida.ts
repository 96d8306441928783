import { createPrivateKey, X509Certificate } from 'node:crypto';
import {
  aesGcmDecrypt, base64UrlDecode, certificateThumbprint, createJwsSigner, decodeThumbprint, rsaOaepUnwrap,
  sha256UpperHex, verifyDetachedJws,
} from '@mts/crypto';
import type { Transport, TransportRequest, TransportResponse } from '../src/index.js';
import { IDAP_CERT_PEM, IDAP_KEY_PEM, IDASIGN_CERT_PEM, IDASIGN_KEY_PEM, PARTNER_CERT_PEM } from './fixtures.js';

/** What the fake saw of one request, after decrypting it. */
export interface SeenRequest {
  url: string;
  headers: Record<string, string>;
  outer: Record<string, unknown>;
  inner: Record<string, unknown>;
  sessionKey: Buffer;
}

type Step = { status: number; headers?: Record<string, string> } | 'network-error' | 'ida';

/**
 * A Transport that plays just enough IDA to prove the client's bytes right: it checks the detached signature
 * over the exact body, the thumbprint, the session key, the HMAC, and answers signed like IDA. `steps` scripts
 * transient failures before the real answer.
 */
export function createFakeIda(options: { steps?: Step[]; answer?: (seen: SeenRequest) => unknown; tamper?: boolean } = {}) {
  const idaKey = createPrivateKey(IDAP_KEY_PEM);
  const idaCert = new X509Certificate(IDAP_CERT_PEM);
  const partnerCert = new X509Certificate(PARTNER_CERT_PEM);
  const responseSigner = createJwsSigner({ privateKey: createPrivateKey(IDASIGN_KEY_PEM), certificate: new X509Certificate(IDASIGN_CERT_PEM) });
  const steps = [...(options.steps ?? [])];
  const seen: SeenRequest[] = [];
  let calls = 0;

  const transport: Transport = {
    async send(req: TransportRequest): Promise<TransportResponse> {
      calls++;
      const step = steps.shift() ?? 'ida';
      if (step === 'network-error') throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
      if (step !== 'ida') return { status: step.status, headers: step.headers ?? {}, body: Buffer.from('busy') };
      const { certificate } = await verifyDetachedJws(req.headers.signature, req.body);
      if (!certificate?.raw.equals(partnerCert.raw)) throw new Error('fake IDA: x5c is not the partner certificate');
      const outer = JSON.parse(req.body.toString('utf8')) as Record<string, string>;
      if (!decodeThumbprint(outer.thumbprint).equals(certificateThumbprint(idaCert))) throw new Error('fake IDA: thumbprint');
      const sessionKey = rsaOaepUnwrap(idaKey, base64UrlDecode(outer.requestSessionKey));
      const innerText = aesGcmDecrypt(sessionKey, base64UrlDecode(outer.request)).toString('utf8');
      const hmac = aesGcmDecrypt(sessionKey, base64UrlDecode(outer.requestHMAC)).toString('utf8');
      if (hmac !== sha256UpperHex(innerText)) throw new Error('fake IDA: HMAC');
      const entry = { url: req.url, headers: req.headers, outer, inner: JSON.parse(innerText), sessionKey };
      seen.push(entry);
      const answer = options.answer?.(entry) ?? {
        transactionID: outer.transactionID, version: '1.0', id: 'mosip.identity.auth', errors: null,
        responseTime: '2025-01-31T10:20:31.456Z', response: { authStatus: true, authToken: '123456789012345678901234567890123456' },
      };
      const body = Buffer.from(JSON.stringify(answer));
      const signature = await responseSigner.sign(body);
      if (options.tamper) body[body.length - 2] ^= 1;
      return { status: 200, headers: { 'response-signature': signature }, body };
    },
  };
  return { transport, seen, calls: () => calls };
}
