// Caller authentication with API keys over the real store: 401/404 isolation, the list endpoint, the keys file and
// the hash-key command. Keys are hashed with scrypt's lowest accepted cost here, to keep the suite quick.
import { createTempDir, type TempDir } from '@mts/testing';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import winston from 'winston';
import { ConfigError, createApp, createCallerAuth, createFileUploadStorage, createLogger, hashApiKey, loadConfig, startApi, type RunningApi } from '../src/index.js';
import { runHashKey } from '../src/lib/auth/hash-key-command.js';
import { fakeEnvelope, fakeRequests } from './fakes.js';
import { http, listen } from './listen.js';

// A machine shared by many test runs can be slow: room for scrypt and the servers.
jest.setTimeout(60_000);

const DATA_KEY = Buffer.alloc(32, 7).toString('base64');
const FAST = { N: 1024, r: 8, p: 1 };
const KEY_A = 'alpha-key-000000000000000000000001';
const KEY_B = 'beta-key-0000000000000000000000002';
const envelopeOf = (request: Record<string, unknown>) => ({ id: 'string', version: 'string', metadata: 'string', requesttime: '2026-01-01T00:00:00.000Z', request });
const person = { vid: '4000000001', name: 'Zorbelina Quux', gender: 'Female', dob: '1990/01/01', fullAddress: '1 Synthetic Lane' };
const jsonBody = envelopeOf({ output: 'csv', deliverytype: 'download', authdata: [person] });

function capturingLogger() {
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug' });
  logger.clear();
  logger.add(new winston.transports.Stream({ stream: new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) }) }));
  return { logger, lines };
}

describe('caller authentication with API keys', () => {
  let dir: TempDir;
  let api: RunningApi;
  let logs: string[];
  let hashes: string[];
  beforeAll(async () => {
    dir = await createTempDir('api-auth-keys-');
    hashes = [await hashApiKey(KEY_A, FAST), await hashApiKey(KEY_B, FAST)];
    const keysFile = join(dir.path, 'keys.json');
    await writeFile(keysFile, JSON.stringify([{ caller: 'alpha', hash: hashes[0] }, { caller: 'beta', hash: hashes[1] }]));
    // Under Helm's prefix, so the credential check is seen to follow it.
    const config = loadConfig({ MTS_DATA_DIR: join(dir.path, 'data'), MTS_DATA_KEY: DATA_KEY, PORT: '0', MTS_API_HOST: '127.0.0.1', MTS_API_KEYS_FILE: keysFile, TOKENSEEDER_ROOT__API_PATH_PREFIX: '/mosiptokenseeder' });
    const captured = capturingLogger();
    logs = captured.lines;
    api = await startApi(config, { logger: captured.logger });
  });
  afterAll(async () => {
    await api.close();
    await dir.remove();
  });

  const as = (key?: string, headers: Record<string, string> = {}) => (key === undefined ? headers : { ...headers, 'x-api-key': key });
  const post = (path: string, body: unknown, key?: string) =>
    http(`${api.url}/${path}`, { method: 'POST', headers: as(key, { 'content-type': 'application/json' }), body: JSON.stringify(body) });
  const get = (path: string, key?: string) => http(`${api.url}/${path}`, { headers: as(key) });
  const submit = async (key: string) => {
    const res = await post('authtoken/json', jsonBody, key);
    expect(res.status).toBe(200);
    return (await res.json()).response.request_identifier as string;
  };
  // The worker's part: an empty ingest, the output written, the duplicates indexed, the request finished.
  const finish = async (id: string) => {
    await api.store.beginIngest(id);
    await api.store.endIngest(id, { chunkCount: 0 });
    await api.store.beginDelivery(id);
    await api.store.writeOutput(id, ['vid,status\n']);
    await api.store.outputWritten(id, 'processed');
    await api.store.indexDuplicates(id);
    await api.store.finish(id);
  };

  it('answers a call without a key 401 ATS-AUTH-001 in the MTS envelope, with WWW-Authenticate', async () => {
    const res = await get('authtoken/authfields');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('ApiKey realm="token-seeder", header="X-API-Key"');
    const body = await res.json();
    expect(Object.keys(body)).toEqual(['id', 'version', 'metadata', 'responsetime', 'errors', 'response']);
    expect(body.response).toBeNull();
    expect(body.errors).toEqual([{ errorCode: 'ATS-AUTH-001', errorMessage: 'Authentication required: send an API key in X-API-Key' }]);
  });

  it('answers a wrong key 401, and a good one is let through', async () => {
    const bad = await get('authtoken/authfields', 'not-a-key-of-anyone-000000000');
    expect(bad.status).toBe(401);
    expect((await bad.json()).errors[0]).toEqual({ errorCode: 'ATS-AUTH-001', errorMessage: 'The API key is not valid' });
    const good = await get('authtoken/authfields', KEY_A);
    expect(good.status).toBe(200);
    expect((await good.json()).response.authfields).toContain('vid');
  });

  it('leaves ping, openapi.json and docs open', async () => {
    expect((await get('ping')).status).toBe(200);
    const doc = await (await get('openapi.json')).json();
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['ApiKey', 'OidcBearer']);
    expect(doc.paths['/mosiptokenseeder/authtoken/requests'].get.parameters[0]).toMatchObject({ name: 'limit', schema: { maximum: 100, default: 20 } });
    expect((await get('docs/')).status).toBe(200);
  });

  it.each([
    ['json', () => post('authtoken/json', jsonBody)],
    ['sync', () => post('authtoken/sync', envelopeOf({ authdata: person }))],
    ['odk', () => post('authtoken/odk', envelopeOf({ output: 'json', deliverytype: 'download', odkconfig: { baseurl: 'http://odk.invalid', email: 'a@example.org', password: 'p', projectid: '1', formid: 'f' } }))],
    ['sheets', () => post('authtoken/sheets', envelopeOf({ output: 'json', deliverytype: 'download', sheetsconfig: { spreadsheetId: 'demo', auth: { type: 'apiKey', apiKey: 'AIzaSyNotARealKey000000000000000000' } } }))],
    ['formio', () => post('authtoken/formio', envelopeOf({ output: 'json', deliverytype: 'download', formioconfig: { baseurl: 'http://formio.invalid', form: 'people' } }))],
    ['vc (json)', () => post('authtoken/vc', envelopeOf({ output: 'json', deliverytype: 'download', vcs: [{ credentialSubject: { VID: '4000000001' } }] }))],
    ['vc (upload)', () => upload('authtoken/vc', 'vc_file', '{"credentialSubject":{"VID":"4000000001"}}\n')],
    ['csv (upload)', () => upload('authtoken/csv', 'csv_file', 'vid,name\n4000000001,Zorbelina Quux\n')],
    ['csv (wrong key)', () => upload('authtoken/csv', 'csv_file', 'vid,name\n4000000001,Zorbelina Quux\n', 'wrong-key-00000000000000000')],
  ])('refuses POST %s without a valid key, storing nothing', async (_label, call) => {
    const before = (await api.store.listRequests({})).length;
    const res = await call();
    expect(res.status).toBe(401);
    expect((await res.json()).errors[0].errorCode).toBe('ATS-AUTH-001');
    expect((await api.store.listRequests({})).length).toBe(before);
  });

  function upload(path: string, field: string, text: string, key?: string) {
    const form = new FormData();
    form.append('request', JSON.stringify(envelopeOf({ output: 'json', deliverytype: 'download' })));
    form.append(field, new Blob([text]), 'input.txt');
    return http(`${api.url}/${path}`, { method: 'POST', headers: as(key), body: form });
  }

  it('refuses an upload without a key before reading its body, and closes the connection', async () => {
    const { port, pathname } = new URL(api.url);
    const socket = connect(Number(port), '127.0.0.1');
    const reply = new Promise<string>((resolve) => {
      let text = '';
      socket.on('data', (d) => (text += String(d)));
      socket.on('close', () => resolve(text));
    });
    // 100 MB announced, none of it sent: the answer must come anyway, and the server must hang up.
    socket.write(`POST ${pathname}/authtoken/csv HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: 100000000\r\n\r\n`);
    const text = await reply;
    expect(text).toMatch(/^HTTP\/1\.1 401 /);
    expect(text.toLowerCase()).toContain('connection: close');
    expect(text).toContain('ATS-AUTH-001');
  });

  it('stores the caller with each request and accepts every kind of submission with a key', async () => {
    const id = await submit(KEY_A);
    expect((await api.store.getRequest(id))!.caller).toBe('key:alpha');
    const res = await upload('authtoken/csv', 'csv_file', 'vid,name\n4000000001,Zorbelina Quux\n', KEY_B);
    expect(res.status).toBe(200);
    expect((await api.store.getRequest((await res.json()).response.request_identifier))!.caller).toBe('key:beta');
  });

  it('answers another caller 404 for status, file and duplicates, exactly as for an unknown id', async () => {
    const id = await submit(KEY_A);
    await finish(id);
    const unknown = `00${'0'.repeat(6)}-0000-4000-8000-000000000000`;
    for (const path of ['status', 'file', 'duplicates']) {
      expect((await get(`authtoken/${path}/${id}`, KEY_A)).status).toBe(200);
      const theirs = await get(`authtoken/${path}/${id}`, KEY_B);
      const none = await get(`authtoken/${path}/${unknown}`, KEY_B);
      expect([theirs.status, none.status]).toEqual([404, 404]);
      const strip = (b: { responsetime?: string }) => ({ ...b, responsetime: undefined });
      expect(strip(await theirs.json())).toEqual(strip(await none.json()));
    }
  });

  it('lists only the caller’s own requests, newest first, with limit', async () => {
    const mine = [await submit(KEY_B), await submit(KEY_B)];
    const res = await get('authtoken/requests', KEY_B);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(Object.keys(body)).toEqual(['id', 'version', 'metadata', 'responsetime', 'errors', 'response']);
    const listed = body.response.requests as { requestId: string; createdAt: string }[];
    const ownAll = (await api.store.listRequests({ caller: 'key:beta' })).map((r) => r.id);
    expect(listed.map((r) => r.requestId).sort()).toEqual([...ownAll].sort());
    expect(listed.map((r) => r.requestId)).toEqual(expect.arrayContaining(mine));
    const times = listed.map((r) => Date.parse(r.createdAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(listed[0]).toEqual({
      requestId: expect.any(String),
      status: 'submitted',
      inputKind: 'ndjson',
      output: 'csv',
      deliverytype: 'download',
      counts: { total: 0, processed: 0, error: 0, invalid: 0 },
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      finishedAt: null,
    });
    const alphas = (await (await get('authtoken/requests', KEY_A)).json()).response.requests as { requestId: string }[];
    expect(alphas.length).toBeGreaterThan(0);
    expect(alphas.some((r) => ownAll.includes(r.requestId))).toBe(false);
    expect((await (await get('authtoken/requests?limit=1', KEY_B)).json()).response.requests).toHaveLength(1);
    // Naming another caller's request by id changes nothing: it is left out, as an unknown id is.
    const named = (await (await get(`authtoken/requests?ids=${alphas[0]!.requestId},${mine[0]}`, KEY_B)).json()).response.requests as { requestId: string }[];
    expect(named.map((r) => r.requestId)).toEqual([mine[0]]);
  });

  it.each(['0', '101', 'x', '1.5', '-1'])('refuses limit=%s with 400 ATS-REQ-102', async (limit) => {
    const res = await get(`authtoken/requests?limit=${limit}`, KEY_A);
    expect(res.status).toBe(400);
    expect((await res.json()).errors[0].errorCode).toBe('ATS-REQ-102');
  });

  it('never writes a key or its hash to the log, and logs the caller of an accepted request', async () => {
    await submit(KEY_A);
    await get('authtoken/authfields', 'wrong-key-11111111111111111');
    const text = logs.join('');
    expect(text).toContain('"caller":"key:alpha"');
    for (const secret of [KEY_A, KEY_B, 'wrong-key-11111111111111111', ...hashes]) expect(text).not.toContain(secret);
    expect(logs.some((l) => JSON.parse(l).code === 'ATS-AUTH-001')).toBe(true);
  });
});

describe('caller authentication off (MTS-compatible)', () => {
  let dir: TempDir;
  let api: RunningApi;
  beforeAll(async () => {
    dir = await createTempDir('api-auth-off-');
    api = await startApi(loadConfig({ MTS_DATA_DIR: dir.path, MTS_DATA_KEY: DATA_KEY, PORT: '0', MTS_API_HOST: '127.0.0.1' }), { logger: createLogger({ silent: true }) });
  });
  afterAll(async () => {
    await api.close();
    await dir.remove();
  });

  it('needs no credential, stores no caller, and lists only the requests named by id', async () => {
    const post = () => http(`${api.url}/authtoken/json`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(jsonBody) });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await (await post()).json()).response.request_identifier);
    expect((await api.store.getRequest(ids[0]!))!.caller).toBeNull();
    const status = await http(`${api.url}/authtoken/status/${ids[0]}`);
    expect(status.status).toBe(200);
    expect(status.headers.get('www-authenticate')).toBeNull();
    // Without a caller nothing says whose requests to list: listing them all would give any visitor every id, and
    // with authentication off an id is all it takes to download an output.
    const unnamed = await http(`${api.url}/authtoken/requests`);
    expect(unnamed.status).toBe(400);
    expect((await unnamed.json()).errors[0].errorCode).toBe('ATS-REQ-102');
    const unknown = '00' + '0'.repeat(6) + '-0000-4000-8000-000000000000';
    const listed = (await (await http(`${api.url}/authtoken/requests?ids=${ids[0]},${ids[2]},${unknown},not-an-id`)).json()).response.requests as { requestId: string }[];
    expect(listed.map((r) => r.requestId)).toEqual([ids[2], ids[0]]); // newest first; unknown ids left out
    expect((await http(`${api.url}/authtoken/requests?ids=`)).status).toBe(400);
  });
});

describe('the keys file and the hash-key command', () => {
  let dir: TempDir;
  beforeEach(async () => {
    dir = await createTempDir('api-hash-key-');
  });
  afterEach(async () => {
    await dir.remove();
  });
  const base = () => ({ MTS_DATA_DIR: dir.path, MTS_DATA_KEY: DATA_KEY });
  const io = (stdin = '') => {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, io: { readStdin: () => stdin, out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) } };
  };

  it('makes a key, adds its entry to a new 0600 keys file, and the API accepts that key', async () => {
    const file = join(dir.path, 'keys.json');
    const run = io();
    expect(await runHashKey(['registry-a', '--file', file], run.io)).toBe(0);
    const key = /^(mts_([0-9a-f]{12})_[A-Za-z0-9_-]{43})$/m.exec(run.err.join(''))![1]!;
    expect(run.out).toEqual([]);
    const entries = JSON.parse(await readFile(file, 'utf8'));
    // The key's id (not secret) goes into the entry, so a presented key is checked against its own entry only.
    expect(entries).toEqual([{ caller: 'registry-a', hash: expect.stringMatching(/^scrypt\$N=16384,r=8,p=1\$/), id: key.slice(4, 16) }]);
    expect(JSON.stringify(entries)).not.toContain(key);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    // A second caller's key read from stdin goes into the same file; the key is not echoed.
    const second = io('a-key-chosen-elsewhere-0123456789\n');
    expect(await runHashKey(['registry-b', '--file', file, '--stdin'], second.io)).toBe(0);
    expect(second.err.join('')).not.toContain('a-key-chosen-elsewhere');
    expect(JSON.parse(await readFile(file, 'utf8')).map((e: { caller: string }) => e.caller)).toEqual(['registry-a', 'registry-b']);

    const config = loadConfig({ ...base(), PORT: '0', MTS_API_HOST: '127.0.0.1', MTS_API_KEYS_FILE: file });
    const api = await startApi(config, { logger: createLogger({ silent: true }) });
    try {
      const call = (k: string) => http(`${api.url}/authtoken/requests`, { headers: { 'x-api-key': k } });
      expect((await call(key)).status).toBe(200);
      expect((await call('a-key-chosen-elsewhere-0123456789')).status).toBe(200);
      expect((await call(`${key}x`)).status).toBe(401);
    } finally {
      await api.close();
    }
  });

  it('prints the entry on stdout without --file, and refuses bad usage', async () => {
    const run = io('0123456789abcdef0123');
    expect(await runHashKey(['ops-team', '--stdin'], run.io)).toBe(0);
    expect(JSON.parse(run.out.join(''))).toEqual({ caller: 'ops-team', hash: expect.stringMatching(/^scrypt\$/) });
    expect(await runHashKey([], io().io)).toBe(2);
    expect(await runHashKey(['bad name!'], io().io)).toBe(2);
    expect(await runHashKey(['short', '--stdin'], io('tiny').io)).toBe(2);
    await writeFile(join(dir.path, 'broken.json'), '{');
    expect(await runHashKey(['x', '--file', join(dir.path, 'broken.json')], io().io)).toBe(1);
  });

  it('refuses a bad keys file at start-up, naming each problem and never quoting a hash', async () => {
    const file = join(dir.path, 'keys.json');
    const good = await hashApiKey('some-key-0123456789abcdef', FAST);
    await writeFile(file, JSON.stringify([{ caller: 'ok', hash: good }, { caller: 'bad one', hash: good }, { caller: 'x', hash: 'md5$abc' }]));
    let error: unknown;
    try {
      loadConfig({ ...base(), MTS_API_KEYS_FILE: file });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toEqual([expect.stringMatching(/^MTS_API_KEYS_FILE: entry 1: caller/), expect.stringMatching(/^MTS_API_KEYS_FILE: entry 2 \(x\): hash/)]);
    expect(problems.join('\n')).not.toContain(good.split('$')[3]!);
    expect(() => loadConfig({ ...base(), MTS_API_KEYS_FILE: join(dir.path, 'missing.json') })).toThrow(/MTS_API_KEYS_FILE: cannot be read \(ENOENT\)/);
    await writeFile(file, '[]');
    expect(() => loadConfig({ ...base(), MTS_API_KEYS_FILE: file })).toThrow(/MTS_API_KEYS_FILE: lists no key/);
  });

  it('needs every OIDC setting together, and an https JWKS URL', () => {
    expect(() => loadConfig({ ...base(), MTS_OIDC_ISSUER: 'https://id.example.org' })).toThrow(
      /MTS_OIDC_JWKS_URL: required[\s\S]*MTS_OIDC_AUDIENCE: required[\s\S]*MTS_OIDC_SCOPE: required/,
    );
    expect(() => loadConfig({ ...base(), MTS_OIDC_AUDIENCE: 'seeder' })).toThrow(/MTS_OIDC_AUDIENCE: set without MTS_OIDC_ISSUER/);
    const oidc = { MTS_OIDC_ISSUER: 'https://id.example.org', MTS_OIDC_AUDIENCE: 'seeder', MTS_OIDC_SCOPE: 'seed' };
    expect(() => loadConfig({ ...base(), ...oidc, MTS_OIDC_JWKS_URL: 'http://id.example.org/jwks' })).toThrow(/MTS_OIDC_JWKS_URL: must be an https URL/);
    // A blank scope would require none.
    expect(() => loadConfig({ ...base(), ...oidc, MTS_OIDC_SCOPE: '   ', MTS_OIDC_JWKS_URL: 'https://id.example.org/jwks' })).toThrow(/MTS_OIDC_SCOPE: must name at least one scope/);
    expect(loadConfig({ ...base(), ...oidc, MTS_OIDC_JWKS_URL: 'https://id.example.org/jwks' }).callerAuth).toEqual({
      apiKeys: null,
      oidc: { issuer: 'https://id.example.org', jwksUrl: 'https://id.example.org/jwks', audience: 'seeder', scope: 'seed' },
    });
    expect(loadConfig(base()).callerAuth).toEqual({ apiKeys: null, oidc: null });
  });
});

describe('caller authentication in sync_operation_mode (fake ports)', () => {
  let server: { url: string; close(): Promise<void> };
  let calls = 0;
  beforeAll(async () => {
    const requests = fakeRequests();
    const app = createApp({
      settings: { apiPathPrefix: '/', syncOperationMode: true, podName: 'token-seeder-0', workerId: 0, maxUploadBytes: 4096, maxJsonBytes: 1 << 20 },
      logger: createLogger({ silent: true }),
      requests: requests.port,
      uploads: createFileUploadStorage('/nonexistent-uploads'),
      envelope: fakeEnvelope,
      sync: {
        async authenticate() {
          calls++;
          return { kind: 'auth', authStatus: true, authToken: 'TOKEN-1', errors: [] };
        },
      },
      swaggerUiDir: '/nonexistent-swagger',
      auth: createCallerAuth({ apiKeys: [{ caller: 'delta', hash: await hashApiKey(KEY_A, FAST) }], oidc: null }),
    });
    server = await listen(app);
  });
  afterAll(() => server.close());

  it('refuses the synchronous authtoken/json and authtoken/sync without a key, and authenticates nothing', async () => {
    const body = JSON.stringify(envelopeOf({ authdata: person }));
    for (const path of ['authtoken/json', 'authtoken/sync']) {
      const res = await http(`${server.url}/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(res.status).toBe(401);
      expect((await res.json()).errors[0].errorCode).toBe('ATS-AUTH-001');
    }
    expect(calls).toBe(0);
    const ok = await http(`${server.url}/authtoken/json`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': KEY_A }, body });
    expect(ok.status).toBe(200);
    expect((await ok.json()).response).toMatchObject({ authStatus: true, authToken: 'TOKEN-1' });
    expect(calls).toBe(1);
  });
});
