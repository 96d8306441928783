import { createEnvelopeValidator } from './create-validator.js';
import { MTS_DELIVERIES, MTS_INPUTS } from './mts-parts.js';
import { toRequestConfig } from './request-config.js';
import { createSftpDeliveryPart, renderSftpFileName } from './sftp-part.js';

const FP = `SHA256:${'A'.repeat(42)}E`;
const KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nsynthetic\n-----END OPENSSH PRIVATE KEY-----\n';
const base = (request: Record<string, unknown>) => ({ id: 'string', version: 'string', metadata: 'string', requesttime: '2024-05-01T10:20:30.123Z', request });
// A stand-in key parser: the real one (ssh2's) is wired in by @mts/connectors and tested there.
const checkPrivateKey = (key: string, passphrase?: string) => (key === KEY && passphrase !== 'wrong' ? null : 'the key does not parse');
const { validate, schemas } = createEnvelopeValidator({ inputs: MTS_INPUTS, deliveries: [...MTS_DELIVERIES, createSftpDeliveryPart({ checkPrivateKey })] });
const good = { host: 'sftp.example.org', username: 'mts', password: 'pw', hostKeyFingerprint: FP };
const check = (sftpProperties: unknown, extra: Record<string, unknown> = {}) =>
  validate('json', base({ output: 'csv', deliverytype: 'sftp', authdata: [{ vid: '1' }], sftpProperties, ...extra })).map((i) => `${i.httpStatus} ${i.errorCode}`);

describe('sftpProperties (deliverytype sftp)', () => {
  it('accepts a password login, a key login with or without passphrase, and every optional field', () => {
    expect(check(good)).toEqual([]);
    const { password: _pw, ...noPassword } = good;
    expect(check({ ...noPassword, privateKey: KEY })).toEqual([]);
    expect(check({ ...noPassword, privateKey: KEY, passphrase: 'right' })).toEqual([]);
    expect(check({ ...good, port: 2222, remotePath: '/srv/in', fileName: 'tokens-{date}-{requestId}.{output}', connectTimeoutSeconds: 20, hostKeyFingerprint: `${FP}=` })).toEqual([]);
    expect(check({ ...good, host: '127.0.0.1' })).toEqual([]);
    expect(check({ ...good, host: '::1' })).toEqual([]);
    expect(schemas.json).toMatchObject({ properties: { request: { properties: { deliverytype: { enum: ['download', 'callback', 'sftp'] } } } } });
  });

  it.each([
    ['missing', undefined, 'ATS-REQ-080'],
    ['null', null, 'ATS-REQ-080'],
    ['not an object', 'sftp://x', 'ATS-REQ-080'],
    ['no host', { ...good, host: undefined }, 'ATS-REQ-081'],
    ['a host with a space', { ...good, host: 'a b' }, 'ATS-REQ-081'],
    ['a host that is a URL', { ...good, host: 'sftp://example.org' }, 'ATS-REQ-081'],
    ['no username', { ...good, username: '' }, 'ATS-REQ-082'],
    ['port 0', { ...good, port: 0 }, 'ATS-REQ-083'],
    ['port 70000', { ...good, port: 70000 }, 'ATS-REQ-083'],
    ['port as text', { ...good, port: '22' }, 'ATS-REQ-083'],
    ['port 22.5', { ...good, port: 22.5 }, 'ATS-REQ-083'],
    ['neither password nor key', { ...good, password: undefined }, 'ATS-REQ-084'],
    ['both password and key', { ...good, privateKey: KEY }, 'ATS-REQ-084'],
    ['an empty password', { ...good, password: '' }, 'ATS-REQ-084'],
    ['a passphrase without key', { ...good, passphrase: 'x' }, 'ATS-REQ-084'],
    ['a key that does not parse', { ...good, password: undefined, privateKey: 'not a key' }, 'ATS-REQ-085'],
    ['a wrong passphrase', { ...good, password: undefined, privateKey: KEY, passphrase: 'wrong' }, 'ATS-REQ-085'],
    ['no fingerprint', { ...good, hostKeyFingerprint: undefined }, 'ATS-REQ-086'],
    ['an MD5 fingerprint', { ...good, hostKeyFingerprint: 'MD5:16:27:ac:a5:76:28:2d:36:63:1b:56:4d:eb:df:a6:48' }, 'ATS-REQ-086'],
    ['a short fingerprint', { ...good, hostKeyFingerprint: 'SHA256:abc' }, 'ATS-REQ-086'],
    ['a remotePath with ..', { ...good, remotePath: '/srv/../etc' }, 'ATS-REQ-087'],
    ['a remotePath with NUL', { ...good, remotePath: '/srv/\u0000x' }, 'ATS-REQ-087'],
    ['a fileName with /', { ...good, fileName: 'a/b.csv' }, 'ATS-REQ-087'],
    ['a fileName ..', { ...good, fileName: '..' }, 'ATS-REQ-087'],
    ['an unknown placeholder', { ...good, fileName: '{requestId}-{user}.csv' }, 'ATS-REQ-088'],
    ['an unclosed brace', { ...good, fileName: '{requestId.csv' }, 'ATS-REQ-088'],
    ['timeout 0', { ...good, connectTimeoutSeconds: 0 }, 'ATS-REQ-089'],
    ['timeout 1000', { ...good, connectTimeoutSeconds: 1000 }, 'ATS-REQ-089'],
    ['timeout as text', { ...good, connectTimeoutSeconds: '10' }, 'ATS-REQ-089'],
  ])('refuses %s with 400 %s', (_what, props, code) => {
    expect(check(props)).toEqual([`400 ${code}`]);
  });

  it('never echoes a secret in its message', () => {
    const [issue] = validate('json', base({ output: 'json', deliverytype: 'sftp', authdata: [{ vid: '1' }], sftpProperties: { ...good, password: undefined, privateKey: KEY, passphrase: 'wrong' } }));
    expect(issue!.errorMessage).not.toMatch(/wrong|synthetic|PRIVATE/);
  });

  it('is not read for another deliverytype', () => {
    expect(check(undefined, { deliverytype: 'download' })).toEqual([]);
  });

  it('is kept in the request config, with deliverytype sftp', () => {
    expect(toRequestConfig({ output: 'csv', deliverytype: 'sftp', sftpProperties: good })).toMatchObject({ deliverytype: 'sftp', sftpProperties: good });
  });
});

describe('renderSftpFileName', () => {
  const at = new Date('2026-03-04T05:06:07.890Z');
  it('defaults to <requestId>.<output> and fills every placeholder from the submission time (UTC)', () => {
    expect(renderSftpFileName(undefined, { requestId: 'r1', output: 'csv', requestedAt: at })).toBe('r1.csv');
    expect(renderSftpFileName('', { requestId: 'r1', output: 'json', requestedAt: at })).toBe('r1.json');
    expect(renderSftpFileName('{date}_{time}_{timestamp}_{requestId}.{output}', { requestId: 'r1', output: 'csv', requestedAt: at })).toBe('2026-03-04_050607_20260304T050607Z_r1.csv');
  });
});
