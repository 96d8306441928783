import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  aesGcmDecrypt, base64UrlDecode, certificateThumbprint, decodeThumbprint, loadCertificate, rsaOaepUnwrapAsync,
  sha256UpperHex,
} from '@mts/crypto';
import type { SandboxMaterial } from './data-dir.js';
import { SandboxError } from './errors.js';
import { type IdaErrorItem, IdaRejection, idaErrors, reject, rejectF } from './ida-errors.js';
import type { SandboxIdentity, SandboxVid } from './identity.js';
import { matchDemographics } from './match.js';
import { checkLicenseKey, checkPartner } from './partner-registry.js';
import { partnerAuthToken } from './token-id.js';
import { checkIndividualId, distinctErrors, validateAuthRequest } from './validate-request.js';
import { createSignatureVerifier } from './verify-signature.js';

/** One HTTP request as the pipeline sees it. */
export interface AuthCall {
  /** Path segments after the context path `/idauthentication/v1` (so `auth` is the first). */
  authPart: string[];
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  now: Date;
}

/** The pipeline's answer: authStatus and token, or IDA's errors. */
export interface AuthOutcome {
  transactionID: string | null;
  individualId: string | null;
  authStatus: boolean;
  authToken: string | null;
  errors: IdaErrorItem[] | null;
  rejection?: IdaRejection;
}

const VERSION = /^\d\.\d(\.\d)?$/;
const AUTH_ID = 'mosip.identity.auth';
const header = (h: AuthCall['headers'], name: string) => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};
/** Spring's `consumes = application/json`: the media type, ignoring case and parameters such as charset. */
const isJson = (contentType: string | undefined) =>
  contentType !== undefined && contentType.split(';', 1)[0]!.trim().toLowerCase() === 'application/json';
const b64 = (value: unknown): Buffer => {
  if (typeof value !== 'string') rejectF(idaErrors.unableToDecrypt());
  try {
    return base64UrlDecode(value);
  } catch {
    return rejectF(idaErrors.unableToProcess());
  }
};

/**
 * Builds IDA's demo-auth processing over the sandbox's material, in IDA's order (spec §10): parse, id/version,
 * signature and Authorization, HMAC and request decryption, partner checks, bean validation, id type, identity
 * lookup (VID consumption), lock, match, token. Rejections come back as data in the outcome.
 */
export function createAuthProcessor(m: SandboxMaterial, onVidUsed: (vid: string, left: number) => void = () => {}) {
  const idaThumbprint = certificateThumbprint(m.idaPartner.certificate);
  const verifySignature = createSignatureVerifier({
    authCa: m.authCa.certificate,
    idaSignCert: m.idaSign.certificate,
    x5cMode: m.settings.x5cMode,
  });
  const partnerCertHash = new Map(
    m.registry.partners.map((p) => [p.partnerId, sha256UpperHex(certDer(join(m.dir, p.certificateFile)))]),
  );
  const storedCache = new Map<string, string>();
  // The salts, IDA's partner id and the hashing setting are fixed for the sandbox's life, so a UIN's token is too.
  const identityTokens = new Map<string, string>();
  const byUin = new Map<string, SandboxIdentity>();
  const byVid = new Map<string, [SandboxIdentity, SandboxVid]>();
  for (const person of m.identities) {
    byUin.set(person.uin, person);
    for (const v of person.vids) {
      const left = m.vidUsage[v.vid];
      byVid.set(v.vid, [person, { ...v, transactionsLeft: typeof left === 'number' ? left : v.transactionsLeft }]);
    }
  }

  async function decrypt(outer: Record<string, unknown>): Promise<Buffer> {
    if (outer['requestHMAC'] === undefined || outer['requestHMAC'] === null) rejectF(idaErrors.missingInput('requestHMAC'));
    const encKey = b64(outer['requestSessionKey']);
    const hmacBlob = b64(outer['requestHMAC']);
    const requestBlob = b64(outer['request']);
    let thumb: Buffer;
    try {
      thumb = decodeThumbprint(String(outer['thumbprint'] ?? ''));
    } catch {
      return rejectF(idaErrors.unableToDecrypt());
    }
    // IDA prepends the thumbprint unless the key already starts with it (KeyManager#internalKernelDecryptAndDecode);
    // KM then picks the private key by the first 32 bytes only when the key part is 288 bytes.
    const prefixed = encKey.length >= thumb.length && encKey.subarray(0, thumb.length).equals(thumb);
    const keyPart = prefixed ? encKey : Buffer.concat([thumb, encKey]);
    if (keyPart.length !== 288 || !keyPart.subarray(0, 32).equals(idaThumbprint)) rejectF(idaErrors.unableToDecrypt());
    let requestBytes: Buffer;
    let hmac: string;
    try {
      const key = await rsaOaepUnwrapAsync(m.idaPartner.privateKey, keyPart.subarray(32));
      hmac = aesGcmDecrypt(key, hmacBlob).toString('utf8');
      requestBytes = aesGcmDecrypt(key, requestBlob);
    } catch {
      return rejectF(idaErrors.unableToDecrypt());
    }
    if (sha256UpperHex(requestBytes) !== hmac) rejectF(idaErrors.hmacFailed());
    return requestBytes;
  }

  function lookup(id: string, type: 'UIN' | 'VID', now: number): SandboxIdentity {
    if (type === 'UIN') {
      const person = byUin.get(id);
      if (!person) reject('B', idaErrors.idNotFound('UIN'));
      return person;
    }
    const found = byVid.get(id);
    if (!found || found[1].transactionsLeft === 0) reject('B', idaErrors.idNotFound('VID'));
    const [person, vid] = found;
    if (vid.status !== 'ACTIVE' || (vid.expiresAt !== null && Date.parse(vid.expiresAt) < now)) reject('B', idaErrors.vidExpired());
    // Every call, even one that fails matching later, uses up a transaction.
    if (m.settings.consumeVid && vid.transactionsLeft !== null) onVidUsed(vid.vid, --vid.transactionsLeft);
    return person;
  }

  return async function process(call: AuthCall): Promise<AuthOutcome> {
    const now = call.now.getTime();
    let outer: Record<string, unknown> = {};
    try {
      try {
        outer = JSON.parse(call.body.toString('utf8'));
      } catch {
        rejectF(idaErrors.unableToProcess());
      }
      if (typeof outer !== 'object' || outer === null || Array.isArray(outer)) {
        outer = {};
        rejectF(idaErrors.unableToProcess());
      }
      if (outer['id'] === undefined || outer['id'] === null) rejectF(idaErrors.missingInput('id'));
      if (outer['id'] !== AUTH_ID) rejectF(idaErrors.invalidInput('id'));
      if (outer['version'] === undefined || outer['version'] === null) rejectF(idaErrors.missingInput('version'));
      if (typeof outer['version'] !== 'string' || !VERSION.test(outer['version'])) rejectF(idaErrors.invalidInput('version'));

      const jws = header(call.headers, 'signature');
      if (!jws) rejectF(idaErrors.missingInput('signature header'));
      const { certHash } = await verifySignature(jws, call.body, now);
      if (!header(call.headers, 'authorization')) rejectF(idaErrors.missingInput('Authorization - header'));

      const requestBytes = await decrypt(outer);
      let inner: Record<string, unknown>;
      try {
        inner = JSON.parse(requestBytes.toString('utf8'));
      } catch {
        return rejectF(idaErrors.unableToProcess());
      }
      if (typeof inner !== 'object' || inner === null || Array.isArray(inner)) rejectF(idaErrors.unableToProcess());

      if (call.authPart.length < 3) rejectF(idaErrors.authPartFewSegments());
      const [licenseKey, partnerId, apiKey] = call.authPart.slice(-3) as [string, string, string];
      const partner = checkPartner(m.registry, partnerId, apiKey, now);
      if (!partner.ok) rejectF(PARTNER_ERRORS[partner.code]());
      if (certHash === null) rejectF(idaErrors.certNotInHeader());
      if (certHash !== partnerCertHash.get(partnerId)) rejectF(idaErrors.certNotMatching());
      const lk = checkLicenseKey(m.registry, licenseKey, now);
      if (lk !== 'ok') rejectF(PARTNER_ERRORS[lk]());
      if (!partner.partner.policy.allowedAuthTypes.includes('demo')) rejectF(idaErrors.demoNotAllowed());
      // After the filters Spring maps the request to AuthController, which consumes only application/json.
      if (!isJson(header(call.headers, 'content-type'))) reject('C', idaErrors.unableToProcess());

      const problems = validateAuthRequest(outer, inner, m.settings, now);
      const id = checkIndividualId(outer['individualId'], outer['individualIdType'], m.settings);
      if ('fatal' in id) reject('C', id.fatal);
      problems.push(...id.errors);
      if (problems.length > 0 || id.type === null) reject('C', ...distinctErrors(problems));
      const individualId = outer['individualId'] as string;

      const person = lookup(individualId, id.type, now);
      if (person.status !== 'ACTIVATED') reject('B', idaErrors.uinDeactivated());
      if (person.demoAuthLocked) reject('B', idaErrors.demoLocked());
      const matched = matchDemographics(inner['demographics'] as Record<string, unknown>, person.attributes, {
        now: call.now,
        titles: m.settings.titles,
        languages: m.settings.languages,
        storedCache,
      });
      const ok = matched.authStatus;
      return {
        transactionID: txnOf(outer),
        individualId,
        authStatus: ok,
        authToken: ok
          ? partnerAuthToken({
              uin: person.uin,
              idaPartnerId: m.settings.idaPartnerId,
              partnerId,
              policyId: partner.partner.policy.policyId,
              tokenType: partner.partner.policy.authTokenType,
              salts: m.salts,
              doubleHash: m.settings.tokenIdDoubleHash,
              identityTokens,
              randomDigits: () => Array.from({ length: 36 }, () => randomInt(10)).join(''),
            })
          : null,
        errors: matched.errors.length > 0 ? matched.errors : null,
      };
    } catch (e) {
      // IDA answers anything unexpected with MLC-007 in its envelope, never with a bare HTTP error.
      const rejection = e instanceof IdaRejection ? e : new IdaRejection('F', [idaErrors.unableToProcess()]);
      const individualId = typeof outer['individualId'] === 'string' ? outer['individualId'] : null;
      return { transactionID: txnOf(outer), individualId, authStatus: false, authToken: null, errors: null, rejection };
    }
  };
}

const PARTNER_ERRORS = {
  'MPA-009': idaErrors.partnerNotRegistered,
  'MPA-012': idaErrors.partnerDeactivated,
  'MPA-018': idaErrors.policyNotRegistered,
  'MPA-019': idaErrors.policyInactive,
  'MPA-039': idaErrors.partnerApiExpired,
  'MPA-007': idaErrors.licenseNotRegistered,
  'MPA-017': idaErrors.licenseBlocked,
  'MPA-008': idaErrors.licenseExpired,
} as const;

function txnOf(outer: Record<string, unknown>): string | null {
  return typeof outer['transactionID'] === 'string' ? outer['transactionID'] : null;
}

function certDer(path: string): Buffer {
  try {
    return loadCertificate(readFileSync(path)).raw;
  } catch (cause) {
    throw new SandboxError('SBX_BAD_FILE', 'a partner certificate named in partners.json cannot be loaded', { cause });
  }
}
