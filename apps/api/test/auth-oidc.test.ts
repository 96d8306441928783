// Caller authentication with OIDC bearer tokens, against a JWKS server started here (keys made with jose), with API
// keys on too: expiry, issuer, audience, scope, unknown and rotated keys, an unreachable identity provider.
import { createTempDir, type TempDir } from '@mts/testing';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createLogger, hashApiKey, loadConfig, startApi, type RunningApi } from '../src/index.js';
import { http } from './listen.js';

// A machine shared by many test runs can be slow: room for key generation, scrypt and the first JWKS fetch.
jest.setTimeout(60_000);

const DATA_KEY = Buffer.alloc(32, 7).toString('base64');
const ISSUER = 'https://id.example.org/realms/registry';
const AUDIENCE = 'token-seeder';
const API_KEY = 'gamma-key-0000000000000000000000003';
const envelopeOf = (request: Record<string, unknown>) => ({ id: 'string', version: 'string', metadata: 'string', requesttime: '2026-01-01T00:00:00.000Z', request });
const jsonBody = envelopeOf({ output: 'csv', deliverytype: 'download', authdata: [{ vid: '4000000001', name: 'Zorbelina Quux' }] });

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  jwk: JWK;
}
async function signingKey(kid: string): Promise<SigningKey> {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } };
}

describe('caller authentication with OIDC bearer tokens', () => {
  let dir: TempDir;
  let api: RunningApi;
  let jwksServer: Server;
  let published: SigningKey[];
  let jwksDown = false;
  let jwksFetches = 0;
  let key1: SigningKey;
  let key2: SigningKey;

  beforeAll(async () => {
    dir = await createTempDir('api-auth-oidc-');
    [key1, key2] = [await signingKey('k1'), await signingKey('k2')];
    published = [key1];
    jwksServer = createServer((_req, res) => {
      jwksFetches++;
      if (jwksDown) return void res.writeHead(503).end();
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: published.map((k) => k.jwk) }));
    });
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    const keysFile = join(dir.path, 'keys.json');
    await writeFile(keysFile, JSON.stringify([{ caller: 'gamma', hash: await hashApiKey(API_KEY, { N: 1024, r: 8, p: 1 }) }]));
    const config = loadConfig({
      MTS_DATA_DIR: join(dir.path, 'data'),
      MTS_DATA_KEY: DATA_KEY,
      PORT: '0',
      MTS_API_HOST: '127.0.0.1',
      MTS_API_KEYS_FILE: keysFile,
      MTS_OIDC_ISSUER: ISSUER,
      MTS_OIDC_JWKS_URL: `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/certs`,
      MTS_OIDC_AUDIENCE: AUDIENCE,
      MTS_OIDC_SCOPE: 'seeder.submit',
    });
    // No cooldown between JWKS fetches, so a rotation is seen at the next token naming the new key.
    api = await startApi(config, { logger: createLogger({ silent: true }), oidc: { cooldownMs: 0, timeoutMs: 30_000 } });
  });
  afterAll(async () => {
    await api.close();
    await new Promise<void>((resolve) => jwksServer.close(() => resolve()));
    await dir.remove();
  });

  const now = () => Math.floor(Date.now() / 1000);
  const token = (claims: Record<string, unknown> = {}, options: { key?: SigningKey; exp?: number; iss?: string; aud?: string; sub?: string | null } = {}) => {
    const key = options.key ?? key1;
    const jwt = new SignJWT({ scope: 'openid seeder.submit', ...claims })
      .setProtectedHeader({ alg: 'ES256', kid: key.kid })
      .setIssuer(options.iss ?? ISSUER)
      .setAudience(options.aud ?? AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(options.exp ?? now() + 300);
    if (options.sub !== null) jwt.setSubject(options.sub ?? 'svc-registry');
    return jwt.sign(key.privateKey);
  };
  const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
  const submit = (headers: Record<string, string>) =>
    http(`${api.url}/authtoken/json`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(jsonBody) });
  const expectRefused = async (res: Awaited<ReturnType<typeof submit>>, status: number, code: string, message?: string) => {
    expect(res.status).toBe(status);
    const body = await res.json();
    expect(body.errors[0].errorCode).toBe(code);
    if (message) expect(body.errors[0].errorMessage).toBe(message);
    return res.headers.get('www-authenticate');
  };

  it('accepts a valid token and records the caller as oidc:<sub>', async () => {
    const res = await submit(bearer(await token()));
    expect(res.status).toBe(200);
    const id = (await res.json()).response.request_identifier;
    expect((await api.store.getRequest(id))!.caller).toBe('oidc:svc-registry');
  });

  it('accepts the scope as an scp list too', async () => {
    expect((await submit(bearer(await token({ scope: undefined, scp: ['seeder.submit'] })))).status).toBe(200);
  });

  it('offers both means when no credential is sent', async () => {
    const challenge = await expectRefused(await submit({}), 401, 'ATS-AUTH-001', 'Authentication required: send an API key in X-API-Key or an access token as Authorization: Bearer <token>');
    expect(challenge).toBe('ApiKey realm="token-seeder", header="X-API-Key", Bearer realm="token-seeder"');
  });

  it('refuses an expired token 401 with invalid_token', async () => {
    const challenge = await expectRefused(await submit(bearer(await token({}, { exp: now() - 3600 }))), 401, 'ATS-AUTH-001', 'The access token has expired');
    expect(challenge).toContain('Bearer realm="token-seeder", error="invalid_token"');
  });

  it.each([
    ['another issuer', { iss: 'https://id.example.org/realms/other' }],
    ['another audience', { aud: 'another-service' }],
    ['no subject', { sub: null }],
  ])('refuses a token from %s 401', async (_label, options) => {
    await expectRefused(await submit(bearer(await token({}, options))), 401, 'ATS-AUTH-001', 'The access token is not valid');
  });

  it('refuses a token signed by a key the issuer does not publish, and one not signed at all', async () => {
    const stranger = await signingKey('k1'); // same kid, another key
    await expectRefused(await submit(bearer(await token({}, { key: stranger }))), 401, 'ATS-AUTH-001');
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ iss: ISSUER, aud: AUDIENCE, sub: 'x', exp: now() + 60, scope: 'seeder.submit' })).toString('base64url')}.`;
    await expectRefused(await submit(bearer(unsigned)), 401, 'ATS-AUTH-001');
    await expectRefused(await submit(bearer('not-a-jwt')), 401, 'ATS-AUTH-001');
  });

  it('answers a valid token without the required scope 403 ATS-AUTH-002 with insufficient_scope', async () => {
    const challenge = await expectRefused(await submit(bearer(await token({ scope: 'openid profile' }))), 403, 'ATS-AUTH-002', 'The access token lacks the required scope: seeder.submit');
    expect(challenge).toBe('Bearer realm="token-seeder", error="insufficient_scope", scope="seeder.submit"');
  });

  it('keeps an OIDC caller and an API-key caller apart', async () => {
    const byKey = (await (await submit({ 'x-api-key': API_KEY })).json()).response.request_identifier as string;
    const byToken = (await (await submit(bearer(await token({}, { sub: 'svc-other' })))).json()).response.request_identifier as string;
    const other = bearer(await token({}, { sub: 'svc-other' }));
    expect((await http(`${api.url}/authtoken/status/${byToken}`, { headers: other })).status).toBe(200);
    for (const path of ['status', 'file', 'duplicates']) {
      await expectRefused(await http(`${api.url}/authtoken/${path}/${byKey}`, { headers: other }), 404, 'ATS-REQ-016');
      await expectRefused(await http(`${api.url}/authtoken/${path}/${byToken}`, { headers: { 'x-api-key': API_KEY } }), 404, 'ATS-REQ-016');
    }
    const listed = (await (await http(`${api.url}/authtoken/requests`, { headers: other })).json()).response.requests as { requestId: string }[];
    expect(listed.map((r) => r.requestId)).toEqual([byToken]);
  });

  it('picks up a rotated signing key from the JWKS, and drops the retired one', async () => {
    expect((await submit(bearer(await token({}, { key: key1 })))).status).toBe(200);
    published = [key2];
    const fetched = jwksFetches;
    expect((await submit(bearer(await token({}, { key: key2 })))).status).toBe(200);
    expect(jwksFetches).toBeGreaterThan(fetched);
    await expectRefused(await submit(bearer(await token({}, { key: key1 }))), 401, 'ATS-AUTH-001');
  });

  it('answers 503 ATS-AUTH-003 when the JWKS cannot be fetched for a new key', async () => {
    const key3 = await signingKey('k3');
    jwksDown = true;
    try {
      await expectRefused(await submit(bearer(await token({}, { key: key3 }))), 503, 'ATS-AUTH-003');
    } finally {
      jwksDown = false;
    }
  });
});
