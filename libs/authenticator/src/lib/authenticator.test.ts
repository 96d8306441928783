import { loadPkcs12 } from '@mts/crypto';
import { createFakeIda } from '../../test/fake-ida.js';
import {
  IDAP_CERT_PEM, IDASIGN_CERT_PEM, KAT_DEMOGRAPHICS, OTHER_CERT_PEM, PARTNER_P12_BASE64, PARTNER_P12_PASSWORD,
} from '../../test/fixtures.js';
import { createAuthenticator } from './authenticator.js';
import type { AuthenticatorConfig } from './config.js';
import { TransportError } from './http-transport.js';
import type { AttemptReport, Transport } from './types.js';

const p12 = Buffer.from(PARTNER_P12_BASE64, 'base64');
// Loaded once: PKCS#12 decryption in node-forge takes ~100 ms; the p12 path itself is tested below.
const signKey = loadPkcs12(p12, PARTNER_P12_PASSWORD);
const req = { individualId: '2804356197', demographics: KAT_DEMOGRAPHICS };
const config = (transport: Transport, over: Partial<AuthenticatorConfig> = {}): AuthenticatorConfig => ({
  idaAuthUrl: 'https://ida.test/idauthentication/v1/auth/',
  partnerId: 'mpartner-test',
  apiKey: 'api-key-secret-1',
  mispLicenseKey: 'misp-lk-secret-2',
  encryptCert: IDAP_CERT_PEM,
  signKey,
  transport,
  sleep: async () => undefined,
  ...over,
});

describe('createAuthenticator().authenticate', () => {
  it('sends a request the (fake) IDA decrypts and verifies, to the right URL with the right headers', async () => {
    const ida = createFakeIda();
    const auth = createAuthenticator(config(ida.transport, { responseCert: IDASIGN_CERT_PEM }));
    const result = await auth.authenticate({ ...req, individualIdType: 'UIN' });
    expect(result).toMatchObject({ authStatus: true, authToken: '123456789012345678901234567890123456', errors: [] });
    expect(result.transactionId).toMatch(/^[A-Za-z0-9]{10}$/);
    expect(result.responseTime).toBe('2025-01-31T10:20:31.456Z');
    const [seen] = ida.seen;
    expect(seen.url).toBe('https://ida.test/idauthentication/v1/auth/misp-lk-secret-2/mpartner-test/api-key-secret-1');
    expect(seen.headers).toMatchObject({ 'Content-Type': 'application/json', Authorization: 'Authorization' });
    expect(seen.inner).toMatchObject({ demographics: KAT_DEMOGRAPHICS, biometrics: [] });
    expect(seen.inner.timestamp).toBe(seen.outer.requestTime);
    await auth.close();
  });

  it('returns a mismatch as data and does not retry it', async () => {
    const errors = [{ errorCode: 'IDA-DEA-001', errorMessage: 'Demographic data dob did not match', actionMessage: 'Please re-enter your dob' }];
    const ida = createFakeIda({
      answer: (s) => ({ transactionID: s.outer.transactionID, errors, responseTime: 't', response: { authStatus: false, authToken: null } }),
    });
    const auth = createAuthenticator(config(ida.transport));
    const result = await auth.authenticate(req);
    expect(result.authStatus).toBe(false);
    expect(result.authToken).toBeUndefined();
    expect(result.errors).toEqual(errors);
    expect(ida.calls()).toBe(1);
  });

  it('reports every HTTP attempt, retried ones included, to onAttempt (status, latency, timeout or network)', async () => {
    const ida = createFakeIda({ steps: [{ status: 503 }, 'network-error', { status: 429, headers: { 'retry-after': '1' } }] });
    const reports: AttemptReport[] = [];
    const auth = createAuthenticator(config(ida.transport, { onAttempt: (r) => void reports.push(r) }));
    expect((await auth.authenticate(req)).authStatus).toBe(true);
    expect(reports.map((r) => [r.status, r.error])).toEqual([[503, undefined], [undefined, 'network'], [429, undefined], [200, undefined]]);
    expect(reports.every((r) => r.latencyMs >= 0 && Number.isFinite(r.latencyMs))).toBe(true);

    const timingOut: Transport = { send: async () => Promise.reject(new TransportError('IDA did not answer in time', true)) };
    const seen: AttemptReport[] = [];
    const auth2 = createAuthenticator(config(timingOut, { maxRetries: 1, onAttempt: (r) => void seen.push(r) }));
    await expect(auth2.authenticate(req)).rejects.toMatchObject({ code: 'AUT_BAS_001' });
    expect(seen.map((r) => r.error)).toEqual(['timeout', 'timeout']);
  });

  it('ignores an onAttempt that throws: the observer cannot fail an authentication', async () => {
    const ida = createFakeIda();
    const auth = createAuthenticator(config(ida.transport, { onAttempt: () => { throw new Error('observer bug'); } }));
    expect((await auth.authenticate(req)).authStatus).toBe(true);
  });

  it('retries 5xx, 429 and network errors with backoff, keeping the transactionID, then succeeds', async () => {
    const ida = createFakeIda({ steps: [{ status: 503 }, 'network-error', { status: 429, headers: { 'retry-after': '1' } }] });
    const waits: number[] = [];
    const auth = createAuthenticator(
      config(ida.transport, { sleep: async (ms) => void waits.push(ms), retryBaseDelayMs: 100, retryMaxDelayMs: 3000 }),
    );
    const result = await auth.authenticate(req);
    expect(result.authStatus).toBe(true);
    expect(ida.calls()).toBe(4);
    expect(waits).toHaveLength(3);
    expect(waits[0]).toBeGreaterThanOrEqual(50);
    expect(waits[0]).toBeLessThanOrEqual(100);
    expect(waits[1]).toBeGreaterThanOrEqual(100);
    expect(waits[1]).toBeLessThanOrEqual(200);
    expect(waits[2]).toBe(1000); // Retry-After wins over the smaller backoff
    expect(result.transactionId).toBe(ida.seen[0].outer.transactionID);
  });

  it('keeps the transactionID across retries after a network error or timeout too', async () => {
    const ida = createFakeIda({ steps: ['network-error', { status: 503 }] });
    const sent: string[] = [];
    const spy: Transport = {
      send: (r) => {
        sent.push((JSON.parse(r.body.toString('utf8')) as { transactionID: string }).transactionID);
        return ida.transport.send(r);
      },
    };
    const result = await createAuthenticator(config(spy)).authenticate(req);
    expect(sent).toHaveLength(3);
    expect(new Set(sent)).toEqual(new Set([result.transactionId]));
  });

  it('gives up after maxRetries with a retryable AUT_BAS_001 that names no secret', async () => {
    const ida = createFakeIda({ steps: [{ status: 502 }, { status: 502 }, { status: 502 }] });
    const auth = createAuthenticator(config(ida.transport, { maxRetries: 2 }));
    const err = await auth.authenticate(req).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'AUT_BAS_001', retryable: true });
    expect(String((err as Error).message)).toContain('HTTP 502');
    expect(String((err as Error).message)).not.toMatch(/secret|2804356197/);
    expect(ida.calls()).toBe(3);
  });

  it('does not retry definitive non-IDA answers (HTTP 404)', async () => {
    const ida = createFakeIda({ steps: [{ status: 404 }] });
    const auth = createAuthenticator(config(ida.transport));
    await expect(auth.authenticate(req)).rejects.toMatchObject({ code: 'AUT_BAS_001', retryable: false });
    expect(ida.calls()).toBe(1);
  });

  it('sends nothing more once closed: an in-flight call stops retrying and stays retryable', async () => {
    const ida = createFakeIda({ steps: [{ status: 503 }, { status: 503 }, { status: 503 }] });
    const shared: { auth?: ReturnType<typeof createAuthenticator> } = {};
    // The shutdown comes while the call waits to retry.
    const auth = createAuthenticator(config(ida.transport, { sleep: async () => void (await shared.auth?.close()) }));
    shared.auth = auth;
    const err = await auth.authenticate(req).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'AUT_BAS_001', retryable: true, message: expect.stringContaining('closed') });
    expect(ida.calls()).toBe(1);
  });

  it('does not retry a transport failure another attempt cannot cure (answer too large)', async () => {
    let calls = 0;
    const huge: Transport = {
      send: async () => {
        calls++;
        throw new TransportError('answer larger than 1048576 bytes', false, false);
      },
    };
    const err = await createAuthenticator(config(huge)).authenticate(req).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'AUT_BAS_001', retryable: false, message: expect.stringContaining('larger than') });
    expect(calls).toBe(1);
  });

  it('rejects a tampered or wrongly signed response with AUT_CRY_005', async () => {
    const tampered = createAuthenticator(config(createFakeIda({ tamper: true }).transport, { responseCert: IDASIGN_CERT_PEM }));
    await expect(tampered.authenticate(req)).rejects.toMatchObject({ code: 'AUT_CRY_005', retryable: false });
    const wrongCert = createAuthenticator(config(createFakeIda().transport, { responseCert: OTHER_CERT_PEM }));
    await expect(wrongCert.authenticate(req)).rejects.toMatchObject({ code: 'AUT_CRY_005' });
    const unsigned: Transport = { send: async () => ({ status: 200, headers: {}, body: Buffer.from('{"response":{}}') }) };
    await expect(createAuthenticator(config(unsigned, { responseCert: IDASIGN_CERT_PEM })).authenticate(req)).rejects.toMatchObject({
      code: 'AUT_CRY_005',
    });
  });

  it('rejects non-JSON answers and bad input as AUT_BAS_001, and calls after close', async () => {
    const garbage: Transport = { send: async () => ({ status: 200, headers: {}, body: Buffer.from('<html>') }) };
    const auth = createAuthenticator(config(garbage));
    await expect(auth.authenticate(req)).rejects.toMatchObject({ code: 'AUT_BAS_001', retryable: false });
    await expect(auth.authenticate({ ...req, individualId: '' })).rejects.toMatchObject({ code: 'AUT_BAS_001' });
    await expect(auth.authenticate({ ...req, individualIdType: 'uin' as 'UIN' })).rejects.toMatchObject({ code: 'AUT_BAS_001' });
    await auth.close();
    await expect(auth.authenticate(req)).rejects.toMatchObject({ code: 'AUT_BAS_001' });
  });
});

describe('createAuthenticator configuration', () => {
  const transport: Transport = { send: async () => Promise.reject(new Error('unused')) };

  it('reports every bad setting by name, never by value', () => {
    const attempt = () =>
      createAuthenticator({ ...config(transport), idaAuthUrl: 'ftp://x', apiKey: '', timeoutMs: -1, signKey: undefined });
    expect(attempt).toThrow(expect.objectContaining({ code: 'AUT_CFG_001' }));
    const message = (() => { try { attempt(); } catch (e) { return (e as Error).message; } return ''; })();
    expect(message).toMatch(/idaAuthUrl/);
    expect(message).toMatch(/apiKey/);
    expect(message).toMatch(/timeoutMs/);
    expect(message).toMatch(/signP12Password is required/);
    expect(message).not.toMatch(/ftp:/);
  });

  it('rejects an idaAuthUrl that is no URL or has a query (which would carry the keys), and takes env in any case', () => {
    for (const idaAuthUrl of ['https://ida host/idauthentication/v1/auth', 'https://ida.test/idauthentication/v1/auth?x=1']) {
      expect(() => createAuthenticator({ ...config(transport), idaAuthUrl })).toThrow(
        expect.objectContaining({ code: 'AUT_CFG_001', message: expect.stringContaining('idaAuthUrl must be an http(s) URL') }),
      );
    }
    expect(createAuthenticator({ ...config(transport), idaAuthUrl: 'http://127.0.0.1:8090/idauthentication/v1/auth/' })).toBeDefined();
    expect(createAuthenticator({ ...config(transport), env: 'staging' })).toBeDefined();
    expect(() => createAuthenticator({ ...config(transport), env: 'Nowhere' })).toThrow(/env must be one of Staging/);
  });

  it('fails with AUT_CRY_001 for an unreadable certificate and AUT_CRY_002 for a wrong p12 password', () => {
    expect(() => createAuthenticator(config(transport, { encryptCert: 'not a cert' }))).toThrow(
      expect.objectContaining({ code: 'AUT_CRY_001' }),
    );
    expect(() => createAuthenticator(config(transport, { encryptCert: undefined, encryptCertPath: '/nonexistent/ida.cer' }))).toThrow(
      expect.objectContaining({ code: 'AUT_CRY_001' }),
    );
    const fromP12 = { signKey: undefined, signP12: p12 };
    expect(createAuthenticator(config(transport, { ...fromP12, signP12Password: PARTNER_P12_PASSWORD }))).toBeDefined();
    const wrong = () => createAuthenticator(config(transport, { ...fromP12, signP12Password: 'guessed-password' }));
    expect(wrong).toThrow(expect.objectContaining({ code: 'AUT_CRY_002' }));
    expect(wrong).not.toThrow(/guessed-password/);
    expect(() => createAuthenticator(config(transport, { signKey: undefined, signP12Path: '/nonexistent/p.p12', signP12Password: 'x' }))).toThrow(
      expect.objectContaining({ code: 'AUT_CRY_002' }),
    );
  });
});
