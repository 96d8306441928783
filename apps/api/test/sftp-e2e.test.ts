// deliverytype sftp end to end over real HTTP and real SSH: IDA sandbox, worker and API on port 0, and OpenSSH's
// sshd on loopback (temporary host key, non-root test user). Passing here means passing against a real SFTP server.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateClientKey, createTempDir, requires, startSshd, type ClientKey, type RunningSshd, type TempDir } from '@mts/testing';
import { sandboxPartnerEnv, startSandbox, type RunningSandbox } from '@mts/ida-sandbox';
import { loadOrCreateDataKey, openStore, type Store } from '@mts/store';
import { loadConfig as loadWorkerConfig, startWorker, type RunningWorker } from '@mts/worker';
import { createLogger, loadConfig, startApi, type RunningApi } from '../src/index.js';
import { http } from './listen.js';

jest.setTimeout(180_000);
const DATA_KEY = Buffer.alloc(32, 5).toString('base64');
const envelopeOf = (request: Record<string, unknown>) => ({ id: 'string', version: 'string', metadata: 'string', requesttime: new Date().toISOString(), request });

async function waitFor<T>(fn: () => T | Promise<T>, what: string, timeoutMs = 60_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

requires('sshd')('deliverytype sftp end to end (sandbox + worker + API + OpenSSH sshd)', () => {
  let dir: TempDir;
  let sandbox: RunningSandbox;
  let sshd: RunningSshd;
  let worker: RunningWorker;
  let api: RunningApi;
  let store: Store;
  let key: ClientKey;
  let lockedKey: ClientKey;
  let folks: Record<string, string>[];

  beforeAll(async () => {
    dir = await createTempDir('sftp-e2e-');
    sandbox = await startSandbox({ dataDir: join(dir.path, 'ida'), identityCount: 8 });
    sshd = await startSshd();
    key = await generateClientKey(dir.path);
    lockedKey = await generateClientKey(dir.path, 'synthetic passphrase');
    await sshd.authorizeKey(key.publicKey);
    await sshd.authorizeKey(lockedKey.publicKey);
    const env = {
      MTS_DATA_DIR: join(dir.path, 'data'), MTS_DATA_KEY: DATA_KEY, MTS_LOG_LEVEL: 'error', MTS_API_HOST: '127.0.0.1', PORT: '0',
      // sshd listens on loopback: allowed by address, with the policy that refuses private addresses still on.
      MTS_OUTBOUND_ALLOW: '127.0.0.1',
      MTS_POLL_INTERVAL_MS: '50', MTS_CHUNK_SIZE: '4', TOKENSEEDER_CLEANUP__ENABLED: 'false',
      // A lock that outlives a busy machine's stalls (decrypting a key is synchronous work), and quick job retries.
      MTS_JOB_LOCK_LIFETIME_MS: '3000', MTS_RETRY_BASE_MS: '100', MTS_RETRY_MAX_MS: '400',
      ...sandboxPartnerEnv(sandbox),
    };
    const silent = createLogger({ silent: true });
    worker = await startWorker(loadWorkerConfig(env), { logger: silent as never, deliveryOptions: { sftp: { attempts: 2, backoffBaseMs: 5, backoffMaxMs: 10 } } });
    api = await startApi(loadConfig(env), { logger: silent });
    store = await openStore({ path: join(dir.path, 'data', 'seeder.sqlite'), keyring: loadOrCreateDataKey({ dataKey: DATA_KEY }) });
    const raw = JSON.parse(readFileSync(sandbox.identitiesPath, 'utf8'));
    const list = (Array.isArray(raw) ? raw : raw.identities) as { uin: string; status: string; demoAuthLocked: boolean; attributes: Record<string, unknown> }[];
    const eng = (v: unknown) => (Array.isArray(v) ? (v as { language: string; value: string }[]).find((x) => x.language === 'eng')?.value : typeof v === 'string' ? v : undefined);
    folks = list
      .filter((i) => i.status === 'ACTIVATED' && !i.demoAuthLocked)
      .slice(0, 3)
      .map(({ uin, attributes: a }) => {
        const address = ['addressLine1', 'addressLine2', 'addressLine3', 'city', 'region', 'province', 'postalCode'].map((k) => eng(a[k])).filter(Boolean);
        return { vid: uin, name: eng(a.fullName)!, gender: eng(a.gender)!, dob: String(a.dateOfBirth), fullAddress: address.join(', ') };
      });
  });
  afterAll(async () => {
    await api?.close();
    await worker?.stop();
    await store?.close();
    await sshd?.close();
    await sandbox?.close();
    await dir?.remove();
  });

  const post = (body: unknown) => http(`${api.url}/authtoken/json`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const login = (extra: Record<string, unknown> = {}) => ({
    host: sshd.host, port: sshd.port, username: sshd.username, password: sshd.password, hostKeyFingerprint: sshd.hostKeyFingerprint, remotePath: sshd.home, ...extra,
  });
  const keyLogin = (k: ClientKey, extra: Record<string, unknown> = {}) => {
    const { password: _pw, ...rest } = login(extra);
    return { ...rest, privateKey: k.privateKey, ...(k.passphrase ? { passphrase: k.passphrase } : {}) };
  };
  async function submit(output: 'csv' | 'json', sftpProperties: unknown, authdata: unknown[] = folks): Promise<string> {
    const res = await post(envelopeOf({ output, deliverytype: 'sftp', authdata, sftpProperties }));
    const body = await res.json();
    expect({ status: res.status, errors: body.errors }).toEqual({ status: 200, errors: null });
    return body.response.request_identifier;
  }
  const status = async (id: string) => (await (await http(`${api.url}/authtoken/status/${id}`)).json()).response;
  const download = async (id: string) => {
    const res = await http(`${api.url}/authtoken/file/${id}`);
    expect(res.status).toBe(200);
    return res.text();
  };
  /** Delivered: the request is done and its PII (the SFTP password or key with it) erased. */
  const delivered = async (id: string) => {
    try {
      return await waitFor(async () => (await store.getRequest(id))?.phase === 'done' && (await store.getRequest(id))!, `request ${id} to finish`);
    } catch (error) {
      const r = await store.getRequest(id);
      throw new Error(`${(error as Error).message}: ${JSON.stringify({ phase: r?.phase, status: r?.status, deliveryState: r?.deliveryState, lastError: r?.lastError })}`);
    }
  };
  const failedWith = async (id: string) => {
    const info = await delivered(id);
    expect(info.status).toBe('error_making_sftp_request');
    return (await status(id)) as { status: string; errorCode?: string };
  };
  const noPartFiles = (d: string) => readdirSync(d).filter((f) => f.endsWith('.part'));

  it('CSV over a password login: the remote file equals the download, under {requestId}.csv, no .part left, secrets erased', async () => {
    const id = await submit('csv', login());
    const info = await delivered(id);
    expect(info).toMatchObject({ status: 'processed', deliveryState: 'delivered' });
    const remote = readFileSync(join(sshd.home, `${id}.csv`), 'utf8');
    expect(remote.split(/\r?\n/)[0]).toBe('vid,status,token,errorCode,errorMessage');
    expect(remote.trim().split(/\r?\n/)).toHaveLength(folks.length + 1);
    expect(remote).toBe(await download(id));
    expect(noPartFiles(sshd.home)).toEqual([]);
    expect(await store.getRequestConfig(id)).toBeNull();
    expect((await status(id)).status).toBe('processed');
  });

  it('JSON over a key login and over a passphrase-protected key, with a fileName template', async () => {
    const plain = await submit('json', keyLogin(key, { fileName: 'tokens-{requestId}-{date}.{output}' }));
    const locked = await submit('json', keyLogin(lockedKey, { fileName: 'locked-{requestId}.json' }));
    await Promise.all([delivered(plain), delivered(locked)]);
    const name = readdirSync(sshd.home).find((f) => f.startsWith(`tokens-${plain}-`))!;
    expect(name).toMatch(new RegExp(`^tokens-${plain}-\\d{4}-\\d{2}-\\d{2}\\.json$`));
    const rows = JSON.parse(readFileSync(join(sshd.home, name), 'utf8'));
    expect(rows).toHaveLength(folks.length);
    expect(rows.every((r: { status: string; token: string }) => r.status === 'processed' && r.token.length > 0)).toBe(true);
    expect(readFileSync(join(sshd.home, name), 'utf8')).toBe(await download(plain));
    expect(readFileSync(join(sshd.home, `locked-${locked}.json`), 'utf8')).toBe(await download(locked));
  });

  it('refuses a server whose host key is not the pinned one: error_making_sftp_request, SFTP_HOST_KEY_MISMATCH, output still downloadable', async () => {
    const wrong = `SHA256:${Buffer.alloc(32, 1).toString('base64').replace(/=+$/, '')}`;
    const id = await submit('csv', login({ hostKeyFingerprint: wrong }));
    expect(await failedWith(id)).toMatchObject({ status: 'error_making_sftp_request', errorCode: 'SFTP_HOST_KEY_MISMATCH' });
    expect(existsSync(join(sshd.home, `${id}.csv`))).toBe(false);
    expect((await download(id)).split(/\r?\n/)[0]).toBe('vid,status,token,errorCode,errorMessage');
  });

  it('reports a refused login, a missing directory, a read-only directory, a full file system and an unreachable host, each with its code', async () => {
    const readOnly = await sshd.makeDir('e2e-read-only', 0o555);
    const full = await sshd.tinyFilesystem('e2e-full', 64 * 1024);
    // Fill it as root so that the test user's first write finds no space.
    try {
      writeFileSync(join(full, 'filler'), Buffer.alloc(64 * 1024));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
    }
    const cases = {
      SFTP_AUTH_FAILED: await submit('json', login({ password: 'not-the-password' })),
      SFTP_NO_SUCH_PATH: await submit('json', login({ remotePath: join(sshd.home, 'nowhere') })),
      SFTP_PERMISSION_DENIED: await submit('csv', login({ remotePath: readOnly })),
      SFTP_NO_SPACE: await submit('csv', login({ remotePath: full })),
      // Port 1 on loopback: nothing listens, so the connection is refused at once, retried, then given up.
      SFTP_UNREACHABLE: await submit('json', login({ port: 1 })),
    };
    for (const [code, id] of Object.entries(cases)) {
      expect({ code, status: await failedWith(id) }).toEqual({ code, status: expect.objectContaining({ status: 'error_making_sftp_request', errorCode: code }) });
      expect((await download(id)).length).toBeGreaterThan(0);
    }
    expect(readdirSync(readOnly)).toEqual([]);
    expect(readdirSync(full)).toEqual(['filler']);
  });

  it('refuses missing or malformed sftpProperties at submission with 400 ATS-REQ-08x', async () => {
    const codeOf = async (sftpProperties: unknown) => {
      const res = await post(envelopeOf({ output: 'csv', deliverytype: 'sftp', authdata: folks, sftpProperties }));
      return `${res.status} ${(await res.json()).errors?.[0]?.errorCode}`;
    };
    expect(await codeOf(undefined)).toBe('400 ATS-REQ-080');
    expect(await codeOf(login({ host: '' }))).toBe('400 ATS-REQ-081');
    expect(await codeOf(login({ port: 'twenty-two' }))).toBe('400 ATS-REQ-083');
    expect(await codeOf({ ...login(), privateKey: key.privateKey })).toBe('400 ATS-REQ-084');
    expect(await codeOf(keyLogin({ privateKey: lockedKey.privateKey, publicKey: '' }))).toBe('400 ATS-REQ-085');
    expect(await codeOf(login({ hostKeyFingerprint: 'ab:cd' }))).toBe('400 ATS-REQ-086');
    expect(await codeOf(login({ remotePath: '/srv/../etc' }))).toBe('400 ATS-REQ-087');
    expect(await codeOf(login({ fileName: '{requestId}-{secret}.csv' }))).toBe('400 ATS-REQ-088');
    expect(await codeOf(login({ connectTimeoutSeconds: -1 }))).toBe('400 ATS-REQ-089');
  });
});
