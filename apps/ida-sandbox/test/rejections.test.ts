import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  base64UrlEncode, createDevCertificate, generateRsaKeyPair, loadCertificate, loadPrivateKey, sha256, verifyDetachedJws,
} from '@mts/crypto';
import { SANDBOX_FILES, type RunningSandbox, type SandboxIdentity } from '../src/index.js';
import { startTestSandbox } from './helpers.js';
import { codesOf, sendRaw } from './raw-request.js';

let t: Awaited<ReturnType<typeof startTestSandbox>>;
let sandbox: RunningSandbox;
let person: SandboxIdentity;
const demo = () => ({ name: person.attributes.fullName, dob: person.attributes.dateOfBirth });

beforeAll(async () => {
  t = await startTestSandbox();
  sandbox = t.sandbox;
  person = sandbox.identities[1]!;
});
afterAll(() => t.stop());

describe('a well-formed request built with @mts/crypto', () => {
  it('authenticates, and the answer is signed in KM form over the exact body', async () => {
    const answer = await sendRaw(sandbox, { individualId: person.uin, demographics: demo() });
    expect(answer.status).toBe(200);
    expect(answer.json.response.authStatus).toBe(true);
    expect(answer.json.response.authToken).toMatch(/^\d{36}$/);
    const signCert = loadCertificate(readFileSync(sandbox.partner.idaSignCertPath));
    const { header } = await verifyDetachedJws(answer.responseSignature!, answer.text, { certificate: signCert });
    expect(header['x5t#S256']).toBe(base64UrlEncode(sha256(signCert.raw)));
    expect(header.x5c).toEqual([signCert.raw.toString('base64')]);
    expect(typeof header.kid).toBe('string');
  });
});

describe('filter-stage rejections come wrapped after IDA-MLC-007, with HTTP 200', () => {
  it.each([
    ['malformed body', { rawBody: '{"id": "mosip.identity.auth", ' }, ['IDA-MLC-007']],
    ['wrong id', { outer: { id: 'mosip.identity.otp' } }, ['IDA-MLC-007', 'IDA-MLC-009']],
    ['missing version', { outer: { version: null } }, ['IDA-MLC-007', 'IDA-MLC-006']],
    ['missing signature header', { signature: null }, ['IDA-MLC-007', 'IDA-MLC-006']],
    ['garbage signature', { signature: 'abc..def' }, ['IDA-MLC-007', 'IDA-MPA-001']],
    ['wrong thumbprint', { thumbprint: base64UrlEncode(sha256('not the IDA certificate')) }, ['IDA-MLC-007', 'IDA-MPA-003']],
    ['tampered HMAC', { hmacText: 'A'.repeat(64) }, ['IDA-MLC-007', 'IDA-MPA-016']],
    ['missing requestHMAC', { outer: { requestHMAC: null } }, ['IDA-MLC-007', 'IDA-MLC-006']],
    ['unknown partner', { authPart: ['lk', 'nobody', '123'] }, ['IDA-MLC-007', 'IDA-MPA-009']],
    // Segments count from the context path, `auth` included: /auth/x is two.
    ['too few path segments', { authPart: ['x'] }, ['IDA-MLC-007', 'IDA-MPA-038']],
  ])('%s', async (_name, forged, expected) => {
    const answer = await sendRaw(sandbox, { individualId: person.uin, demographics: demo(), ...forged });
    expect(answer.status).toBe(200);
    expect(codesOf(answer)).toEqual(expected);
    expect(answer.json.response).toEqual({ authStatus: false, authToken: null });
    expect(answer.responseSignature).toMatch(/^[\w-]+\.\.[\w-]+$/);
  });

  it('wrong API key, inactive API key and unknown licence key', async () => {
    const p = sandbox.partner;
    const registry = JSON.parse(readFileSync(join(sandbox.dataDir, SANDBOX_FILES.partners), 'utf8'));
    const inactive = registry.partners[0].apiKeys.find((k: { status: string }) => k.status === 'INACTIVE').apiKey;
    const send = (authPart: string[]) => sendRaw(sandbox, { individualId: person.uin, demographics: demo(), authPart });
    expect(codesOf(await send([p.mispLicenseKey, p.partnerId, '000000000000']))).toEqual(['IDA-MLC-007', 'IDA-MPA-009']);
    expect(codesOf(await send([p.mispLicenseKey, p.partnerId, inactive]))).toEqual(['IDA-MLC-007', 'IDA-MPA-012']);
    expect(codesOf(await send(['not-a-licence', p.partnerId, p.apiKey]))).toEqual(['IDA-MLC-007', 'IDA-MPA-007']);
  });

  it('a forged signature: a self-signed key, or a body changed after signing', async () => {
    const keyPair = await generateRsaKeyPair();
    const stranger = createDevCertificate({ keyPair, commonName: sandbox.partner.partnerId });
    const forged = await sendRaw(sandbox, {
      individualId: person.uin, demographics: demo(), signWith: { privateKey: keyPair.privateKey, certificate: stranger },
    });
    expect(codesOf(forged)).toEqual(['IDA-MLC-007', 'IDA-MPA-001']);

    // The same JSON with other whitespace is other bytes: the signature covers bytes, not the object.
    const reformatted = await sendRaw(sandbox, {
      individualId: person.uin, demographics: demo(), tamper: (body) => JSON.stringify(JSON.parse(body), null, 1),
    });
    expect(codesOf(reformatted)).toEqual(['IDA-MLC-007', 'IDA-MPA-001']);
    const otherPerson = await sendRaw(sandbox, {
      individualId: person.uin, demographics: demo(), tamper: (body) => body.replace(person.uin, sandbox.identities[2]!.uin),
    });
    expect(codesOf(otherPerson)).toEqual(['IDA-MLC-007', 'IDA-MPA-001']);
  });

  it('a trusted certificate that is not the partner’s gives MPA-021; none at all gives MPA-022', async () => {
    const dir = sandbox.dataDir;
    const ca = {
      privateKey: loadPrivateKey(readFileSync(join(dir, SANDBOX_FILES.authCaKey))),
      certificate: loadCertificate(readFileSync(join(dir, SANDBOX_FILES.authCaCert))),
    };
    const keyPair = await generateRsaKeyPair();
    const other = createDevCertificate({ keyPair, commonName: 'another-partner', issuer: ca });
    const mismatch = await sendRaw(sandbox, {
      individualId: person.uin, demographics: demo(), signWith: { privateKey: keyPair.privateKey, certificate: other },
    });
    expect(codesOf(mismatch)).toEqual(['IDA-MLC-007', 'IDA-MPA-021']);

    // Without x5c, KM verifies with IDA's own signing key: only a body signed with that key gets this far.
    const idaSignKey = loadPrivateKey(readFileSync(join(dir, SANDBOX_FILES.idaSignKey)));
    const noCert = await sendRaw(sandbox, {
      individualId: person.uin, demographics: demo(), signWith: { privateKey: idaSignKey, certificate: null },
    });
    expect(codesOf(noCert)).toEqual(['IDA-MLC-007', 'IDA-MPA-022']);
    const partnerKeyNoCert = await sendRaw(sandbox, {
      individualId: person.uin,
      demographics: demo(),
      signWith: { privateKey: loadPrivateKey(readFileSync(join(dir, SANDBOX_FILES.partnerKey))), certificate: null },
    });
    expect(codesOf(partnerKeyNoCert)).toEqual(['IDA-MLC-007', 'IDA-MPA-001']);
  });
});

describe('controller and service rejections are not wrapped', () => {
  const past = () => new Date(Date.now() - 5 * 60_000).toISOString();
  const future = () => new Date(Date.now() + 5 * 60_000).toISOString();

  it.each([
    ['stale requestTime', { requestTime: past() }, ['IDA-MLC-001']],
    ['stale timestamp', { timestamp: past() }, ['IDA-MLC-001']],
    ['requestTime in the future', { requestTime: future() }, ['IDA-MLC-001']],
    ['requestTime with 2 fraction digits', { requestTime: '2025-01-31T10:20:30.12Z' }, ['IDA-MLC-009']],
    ['no consent', { outer: { consentObtained: false } }, ['IDA-MLC-012']],
    ['bad transactionID', { outer: { transactionID: 'ABC-123' } }, ['IDA-MLC-009']],
    ['lowercase individualIdType', { individualIdType: 'uin' }, ['IDA-MLC-009']],
    ['unsupported language', { demographics: { name: [{ language: 'xyz', value: 'A' }] } }, ['IDA-DEA-002']],
    ['no demographics', { demographics: {} }, ['IDA-MLC-008']],
  ])('%s', async (_name, forged, expected) => {
    const answer = await sendRaw(sandbox, { individualId: person.uin, demographics: demo(), ...forged });
    expect(codesOf(answer)).toEqual(expected);
  });

  it('names the attribute when the time is in the future', async () => {
    const answer = await sendRaw(sandbox, { individualId: person.uin, demographics: demo(), requestTime: future() });
    expect(answer.json.errors[0].errorMessage).toBe('Request to be received at MOSIP within 30 seconds. Attribute: requestTime');
  });

  it('checks UIN and VID by length and Verhoeff digit, and auto-detects the type', async () => {
    const badDigit = person.uin.slice(0, -1) + String((Number(person.uin.at(-1)) + 1) % 10);
    expect(codesOf(await sendRaw(sandbox, { individualId: badDigit, individualIdType: 'UIN', demographics: demo() }))).toEqual(['IDA-MLC-002']);
    expect(codesOf(await sendRaw(sandbox, { individualId: person.uin, individualIdType: 'VID', demographics: demo() }))).toEqual(['IDA-MLC-004']);
    expect(codesOf(await sendRaw(sandbox, { individualId: badDigit, demographics: demo() }))).toEqual(['IDA-MLC-009']);
    const byVid = await sendRaw(sandbox, { individualId: person.vids[0]!.vid, demographics: demo() });
    expect(byVid.json.response.authStatus).toBe(true);
  });
});

// Divergences found in review (tmp/review-sandbox/FINDINGS.md), settled against IDA 1.2.0.1's source.
describe('as IDA 1.2.0.1 does', () => {
  const send = (o: Partial<Parameters<typeof sendRaw>[1]>) => sendRaw(sandbox, { individualId: person.uin, demographics: demo(), ...o });
  const itemsOf = (answer: Awaited<ReturnType<typeof sendRaw>>) =>
    (answer.json.errors ?? []).map((e: { errorCode: string; errorMessage: string }) => `${e.errorCode} ${e.errorMessage}`);
  const eng = (value: string | null) => [{ language: 'eng', value }];

  it('no demographic value is "no authentication type" (MLC-008); MLC-013 is for a null value in a list', async () => {
    const allNull = { name: null, gender: null, dob: null, phoneNumber: null, emailId: null, fullAddress: null };
    expect(itemsOf(await send({ demographics: allNull }))).toEqual(['IDA-MLC-008 No authentication type selected']);
    expect(itemsOf(await send({ demographics: { name: [] } }))).toEqual(['IDA-MLC-008 No authentication type selected']);
    expect(itemsOf(await send({ demographics: { name: eng(null) } }))).toEqual(['IDA-MLC-013 Missing demo auth attribute']);
    // IdAuthExceptionHandler reports identical items once.
    const twoNulls = { name: [{ language: 'eng', value: null }, { language: 'ara', value: null }] };
    expect(itemsOf(await send({ demographics: twoNulls }))).toEqual(['IDA-MLC-013 Missing demo auth attribute']);
    // Only when nothing failed before: an earlier bean error answers alone.
    expect(codesOf(await send({ demographics: {}, outer: { transactionID: 'bad' } }))).toEqual(['IDA-MLC-009']);
  });

  it('an empty value counts as sent but is not compared', async () => {
    const onlyEmpty = await send({ demographics: { name: eng('') } });
    expect(onlyEmpty.json.errors).toBeNull();
    expect(onlyEmpty.json.response).toEqual({ authStatus: false, authToken: null });
    const withDob = await send({ demographics: { name: eng(''), dob: person.attributes.dateOfBirth } });
    expect(withDob.json.errors).toBeNull();
    expect(withDob.json.response.authStatus).toBe(true);
  });

  it('answers [IDA-MLC-007] to a body that is not application/json, before any lookup (the VID is kept)', async () => {
    const owner = sandbox.identities[9]!; // the last people are deactivated or locked
    const vid = owner.vids.find((v) => v.type === 'OneTimeUse')!.vid;
    const oneTime = (o: Partial<Parameters<typeof sendRaw>[1]>) =>
      sendRaw(sandbox, { individualId: vid, demographics: { dob: owner.attributes.dateOfBirth }, ...o });
    for (const contentType of [null, 'text/plain', 'application/jsonx', 'application/x-www-form-urlencoded']) {
      const answer = await oneTime({ contentType });
      expect(itemsOf(answer)).toEqual(['IDA-MLC-007 Request could not be processed. Please try again']);
      expect(answer.json.response).toEqual({ authStatus: false, authToken: null });
    }
    const json = await oneTime({ contentType: 'Application/JSON; charset=UTF-8' });
    expect(json.json.errors).toBeNull();
    expect(json.json.response.authStatus).toBe(true);
    expect((await oneTime({})).json.response.authStatus).toBe(true);
    expect(codesOf(await oneTime({}))).toEqual(['IDA-MLC-018']);
  });

  it('fullAddress with postalCode is rejected like any address field (MLC-013)', async () => {
    const fullAddress = eng('12 Main Street');
    expect(codesOf(await send({ demographics: { fullAddress, postalCode: '14000' } }))).toEqual(['IDA-MLC-013']);
  });

  it('reports identical items once and only the first failing group', async () => {
    const stale = new Date(Date.now() - 5 * 60_000).toISOString();
    expect(itemsOf(await send({ requestTime: stale, timestamp: stale }))).toEqual([
      'IDA-MLC-001 Request to be received at MOSIP within 30 seconds',
    ]);
    const ahead = new Date(Date.now() + 5 * 60_000).toISOString();
    expect(itemsOf(await send({ requestTime: ahead, timestamp: ahead }))).toEqual([
      'IDA-MLC-001 Request to be received at MOSIP within 30 seconds. Attribute: requestTime',
      'IDA-MLC-001 Request to be received at MOSIP within 30 seconds. Attribute: request/timestamp',
    ]);
    const xx = [{ language: 'xx', value: 'A' }, { language: 'xx', value: 'B' }];
    expect(itemsOf(await send({ demographics: { name: xx } }))).toEqual([
      'IDA-DEA-002 Unsupported Language Code - request : xx',
      'IDA-MLC-009 Invalid Input Parameter - LanguageCode',
    ]);
    expect(codesOf(await send({ outer: { consentObtained: false, transactionID: 'bad' } }))).toEqual(['IDA-MLC-012']);
    // AuthController adds its id checks to the bean errors.
    const vid = person.vids[0]!.vid;
    expect(codesOf(await send({ individualId: vid, individualIdType: 'UIN', outer: { consentObtained: false } }))).toEqual([
      'IDA-MLC-012',
      'IDA-MLC-002',
    ]);
  });

  it('treats empty strings as missing where IDA tests StringUtils.isEmpty', async () => {
    expect(itemsOf(await send({ outer: { transactionID: '' } }))).toEqual(['IDA-MLC-006 Missing Input Parameter - transactionID']);
    expect(itemsOf(await send({ requestTime: '' }))).toEqual(['IDA-MLC-006 Missing Input Parameter - requestTime']);
    expect(itemsOf(await send({ outer: { individualIdType: '' } }))).toEqual(['IDA-MLC-006 Missing Input Parameter - individualIdType']);
  });

  it('an unparsable dob, or a missing stored attribute, stops matching and answers alone', async () => {
    expect(itemsOf(await send({ demographics: { name: eng('Someone Else'), dob: '1990-01-05' } }))).toEqual([
      'IDA-MLC-009 Invalid Input Parameter - request/demographics/dob',
    ]);
    expect(itemsOf(await send({ demographics: { name: eng('Someone Else'), nationality: 'X' } }))).toEqual([
      'IDA-DEA-003 Demographic data nationality not available in database',
    ]);
  });

  it('accepts env in any case', async () => {
    for (const env of ['Production', 'production', 'PRE-PRODUCTION']) {
      expect((await send({ outer: { env } })).json.response.authStatus).toBe(true);
    }
    expect(codesOf(await send({ outer: { env: 'prod' } }))).toEqual(['IDA-MLC-009']);
  });

  it('accepts a requestSessionKey that already starts with the thumbprint', async () => {
    const answer = await send({ prefixThumbprint: true });
    expect(answer.json.errors).toBeNull();
    expect(answer.json.response.authStatus).toBe(true);
  });

  it('counts path segments from the context path and uses IDA’s MPA-038 message', async () => {
    expect(itemsOf(await send({ authPart: ['x'] }))).toEqual([
      'IDA-MLC-007 Request could not be processed. Please try again',
      'IDA-MPA-038 Required Number of Path parameters are missing in URI',
    ]);
    // /auth/<partner>/<apiKey>: three segments, so `auth` is read as the licence key.
    expect(codesOf(await send({ authPart: [sandbox.partner.partnerId, sandbox.partner.apiKey] }))).toEqual([
      'IDA-MLC-007',
      'IDA-MPA-007',
    ]);
  });
});
