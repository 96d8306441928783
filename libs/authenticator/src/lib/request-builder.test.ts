import { createPrivateKey, X509Certificate } from 'node:crypto';
import { aesGcmDecrypt, base64UrlDecode, base64UrlEncode, certificateThumbprint, rsaOaepUnwrap } from '@mts/crypto';
import {
  IDAP_CERT_PEM, IDAP_KEY_PEM, KAT_DEMOGRAPHICS, KAT_NOW, KAT_RANDOM, KAT_REQUEST, KAT_REQUEST_HMAC, KAT_TRANSACTION_ID,
} from '../../test/fixtures.js';
import { buildAuthRequest, toTransactionId, type BuildContext } from './request-builder.js';

const idaCert = new X509Certificate(IDAP_CERT_PEM);
const ctx = (over: Partial<BuildContext> = {}): BuildContext => ({
  idaCert,
  thumbprint: base64UrlEncode(certificateThumbprint(idaCert)),
  random: (n) => KAT_RANDOM.subarray(0, n),
  now: () => KAT_NOW,
  ...over,
});
const parse = (body: Buffer) => JSON.parse(body.toString('utf8')) as Record<string, unknown>;

describe('buildAuthRequest', () => {
  it('matches the known answer for fixed randomness and clock', () => {
    const built = buildAuthRequest({ individualId: '2804356197', demographics: KAT_DEMOGRAPHICS }, ctx());
    const outer = parse(built.body);
    expect(built.transactionId).toBe(KAT_TRANSACTION_ID);
    expect(built.requestTime).toBe('2025-01-31T10:20:30.123Z');
    expect(outer.request).toBe(KAT_REQUEST);
    expect(outer.requestHMAC).toBe(KAT_REQUEST_HMAC);
    const key = rsaOaepUnwrap(createPrivateKey(IDAP_KEY_PEM), base64UrlDecode(outer.requestSessionKey as string));
    expect(key).toEqual(KAT_RANDOM.subarray(0, 32));
  });

  it('writes the outer fields IDA expects, in order', () => {
    const outer = parse(buildAuthRequest({ individualId: '2804356197', individualIdType: 'UIN', demographics: KAT_DEMOGRAPHICS }, ctx()).body);
    expect(Object.keys(outer)).toEqual([
      'id', 'version', 'individualId', 'individualIdType', 'transactionID', 'requestTime', 'specVersion', 'thumbprint',
      'consentObtained', 'requestSessionKey', 'requestHMAC', 'request',
    ]);
    expect(outer).toMatchObject({
      id: 'mosip.identity.auth', version: '1.0', individualIdType: 'UIN', transactionID: KAT_TRANSACTION_ID,
      specVersion: '1.0', consentObtained: true, thumbprint: base64UrlEncode(certificateThumbprint(idaCert)),
    });
    expect(outer.thumbprint).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(base64UrlDecode(outer.requestSessionKey as string)).toHaveLength(256);
  });

  it('adds domainUri, env and the legacy requestedAuth only when configured, and omits individualIdType when unset', () => {
    const plain = parse(buildAuthRequest({ individualId: 'x', demographics: { dob: '1990/01/05' } }, ctx()).body);
    expect(plain).not.toHaveProperty('individualIdType');
    expect(plain).not.toHaveProperty('domainUri');
    expect(plain).not.toHaveProperty('requestedAuth');
    const full = parse(
      buildAuthRequest({ individualId: 'x', demographics: { dob: '1990/01/05' } }, ctx({ domainUri: 'https://d', env: 'Staging', sendRequestedAuth: true })).body,
    );
    expect(full).toMatchObject({ domainUri: 'https://d', env: 'Staging', requestedAuth: { demo: true, bio: false, otp: false, pin: false } });
  });

  it('drops unset demographics and keeps exactly three fraction digits', () => {
    const when = new Date('2026-03-04T05:06:07.000Z');
    const built = buildAuthRequest(
      { individualId: 'x', demographics: { name: undefined, gender: null as never, dob: '1990/01/05', emailId: 'a@b.c', extra: 'v' } },
      ctx({ now: () => when }),
    );
    expect(built.requestTime).toBe('2026-03-04T05:06:07.000Z');
    expect(parse(built.body).requestTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const inner = aesGcmDecrypt(KAT_RANDOM.subarray(0, 32), base64UrlDecode(parse(built.body).request as string));
    expect(JSON.parse(inner.toString('utf8'))).toEqual({
      timestamp: '2026-03-04T05:06:07.000Z',
      demographics: { dob: '1990/01/05', emailId: 'a@b.c', extra: 'v' },
      biometrics: [],
    });
  });

  it('keeps a given transactionID (retries)', () => {
    expect(buildAuthRequest({ individualId: 'x', demographics: {} }, ctx(), 'ABCDE12345').transactionId).toBe('ABCDE12345');
  });
});

describe('toTransactionId', () => {
  it('yields 10 alphanumerics', () => {
    expect(toTransactionId(Buffer.from([0, 25, 26, 51, 52, 61, 62, 255, 124, 186]))).toBe('AZaz09AHAA');
    expect(toTransactionId(Buffer.alloc(10, 200))).toMatch(/^[A-Za-z0-9]{10}$/);
  });
});
