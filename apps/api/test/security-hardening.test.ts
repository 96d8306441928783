// Security hardening of the API's edges: a browser's cross-site submission (CSRF) is refused, made-up API keys cannot
// push a caller's key out of the verifier's memory, and a bearer token whose `sub` is not a string names no caller.
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiKeyVerifier, createApp, createFileUploadStorage, createLogger, createOidcVerifier, generateApiKey, hashApiKey } from '../src/index.js';
import { apiKeyId } from '../src/lib/auth/api-keys.js';
import { fakeEnvelope, fakeRequests } from './fakes.js';
import { http, listen } from './listen.js';

jest.setTimeout(60_000);

const envelopeOf = (request: Record<string, unknown>) =>
  JSON.stringify({ id: 'mosip.token.seeder', version: '1.1.0', metadata: '', requesttime: '2026-01-01T00:00:00.000Z', request });
const person = { vid: '4000000001', name: 'Zorbelina Quux' };

describe('a browser call from a page of another origin (caller authentication off)', () => {
  let server: { url: string; close(): Promise<void> };
  let requests: ReturnType<typeof fakeRequests>;
  let uploads: string;

  beforeAll(async () => {
    uploads = await mkdtemp(join(tmpdir(), 'api-security-'));
    requests = fakeRequests();
    const app = createApp({
      settings: { apiPathPrefix: '/', syncOperationMode: false, podName: 'token-seeder-0', workerId: 0, maxUploadBytes: 1 << 20, maxJsonBytes: 1 << 20 },
      logger: createLogger({ silent: true }),
      requests: requests.port,
      uploads: createFileUploadStorage(uploads),
      envelope: fakeEnvelope,
      swaggerUiDir: '/nonexistent-swagger',
    });
    server = await listen(app);
  });
  afterAll(async () => {
    await server.close();
    await rm(uploads, { recursive: true, force: true });
  });

  // What a hostile page's `fetch(url, { method: 'POST', mode: 'no-cors', body })` or form makes the browser send.
  const crossSite = { origin: 'https://attacker.example', 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors' };

  it('refuses a text/plain JSON body, a multipart upload and a pull source 403 ATS-AUTH-004, submitting nothing', async () => {
    const form = new FormData();
    form.append('request', envelopeOf({ output: 'csv', deliverytype: 'download' }));
    form.append('csv_file', new Blob(['vid,name\n4000000001,Zorbelina Quux\n']), 'people.csv');
    const calls: [string, RequestInit][] = [
      ['authtoken/json', { headers: { ...crossSite, 'content-type': 'text/plain;charset=UTF-8' }, body: envelopeOf({ output: 'csv', deliverytype: 'callback', authdata: [person] }) }],
      ['authtoken/csv', { headers: crossSite, body: form }],
      ['authtoken/odk', { headers: { ...crossSite, 'content-type': 'text/plain' }, body: envelopeOf({ output: 'csv', deliverytype: 'download', odkconfig: { baseurl: 'https://odk.example', email: 'a@example.org' } }) }],
      ['authtoken/json', { headers: { 'sec-fetch-site': 'same-site', 'content-type': 'application/json' }, body: envelopeOf({ output: 'csv', deliverytype: 'download', authdata: [person] }) }],
    ];
    for (const [path, init] of calls) {
      const res = await http(`${server.url}/${path}`, { method: 'POST', ...init });
      expect([path, res.status]).toEqual([path, 403]);
      expect((await res.json()).errors[0].errorCode).toBe('ATS-AUTH-004');
    }
    expect(requests.submitted).toHaveLength(0);
  });

  it('accepts the same submission from the API’s own page and from a server, and leaves cross-site reads alone', async () => {
    const body = envelopeOf({ output: 'csv', deliverytype: 'download', authdata: [person] });
    const page = await http(`${server.url}/authtoken/json`, { method: 'POST', headers: { 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' }, body });
    expect(page.status).toBe(200);
    const plain = await http(`${server.url}/authtoken/json`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(plain.status).toBe(200);
    const id = (await plain.json()).response.request_identifier;
    expect((await http(`${server.url}/authtoken/status/${id}`, { headers: crossSite })).status).toBe(200);
    expect(requests.submitted).toHaveLength(2);
  });
});

describe('the API key verifier’s memory', () => {
  it('keeps a caller’s key when made-up keys flood in: no second scrypt for it', async () => {
    const key = generateApiKey();
    let hashes = 0;
    const verify = createApiKeyVerifier([{ caller: 'registry-a', id: apiKeyId(key)!, hash: await hashApiKey(key, { N: 1024, r: 8, p: 1 }) }], {
      cacheSize: 50,
      onHash: () => hashes++,
    });
    expect(await verify(key)).toBe('registry-a');
    // Made-up keys with an id in no entry cost no scrypt at all: free for an attacker to send by the thousand.
    for (let i = 0; i < 200; i++) expect(await verify(generateApiKey())).toBeNull();
    expect(hashes).toBe(1);
    expect(await verify(key)).toBe('registry-a');
    expect(hashes).toBe(1);
  });
});

describe('OIDC bearer tokens whose sub is not a string', () => {
  let jwks: Server;
  let privateKey: CryptoKey;
  let url: string;

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256');
    privateKey = pair.privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    jwks = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })));
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/certs`;
  });
  afterAll(() => new Promise<void>((resolve) => jwks.close(() => resolve())));

  const sign = (sub: unknown) =>
    new SignJWT({ scope: 'seeder.submit', sub } as Record<string, unknown>)
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setIssuer('https://id.example.org')
      .setAudience('token-seeder')
      .setExpirationTime('5m')
      .sign(privateKey);

  it('refuses an object, a number or an empty sub (which would share one caller), and accepts a string', async () => {
    const verify = createOidcVerifier({ issuer: 'https://id.example.org', jwksUrl: url, audience: 'token-seeder', scope: 'seeder.submit' });
    for (const sub of [{ id: 1 }, { id: 2 }, 42, '']) expect(await verify(await sign(sub))).toMatchObject({ ok: false, reason: 'invalid' });
    expect(await verify(await sign('svc-registry'))).toEqual({ ok: true, caller: 'oidc:svc-registry' });
  });
});
