// POST authtoken/vc end to end over real HTTP: IDA sandbox, worker, API on port 0, temp dirs; VCs signed by the
// vc-issuer app for the sandbox's identities.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTempDir, type TempDir } from '@mts/testing';
import { sandboxPartnerEnv, startSandbox, type RunningSandbox, type SandboxIdentity } from '@mts/ida-sandbox';
import { createVcIssuer, type VcIssuer } from '@mts/vc-issuer';
import { loadConfig as loadWorkerConfig, startWorker, type RunningWorker } from '@mts/worker';
import { createLogger, loadConfig, startApi, type RunningApi } from '../src/index.js';
import { http } from './listen.js';

jest.setTimeout(60_000);
const DATA_KEY = Buffer.alloc(32, 9).toString('base64');
const envelopeOf = (request: Record<string, unknown>) => ({ id: 'string', version: 'string', metadata: 'string', requesttime: new Date().toISOString(), request });
type Row = { vid: string | null; status: string; token: string | null; errorCode: string | null };

describe('POST authtoken/vc (sandbox + worker + API)', () => {
  let dir: TempDir;
  let sandbox: RunningSandbox;
  let worker: RunningWorker;
  let api: RunningApi;
  let folks: SandboxIdentity[];
  let rsa: VcIssuer;
  let ed: VcIssuer;

  beforeAll(async () => {
    dir = await createTempDir('api-vc-e2e-');
    sandbox = await startSandbox({ dataDir: join(dir.path, 'ida'), identityCount: 12 });
    folks = sandbox.identities.filter((i) => i.status === 'ACTIVATED' && !i.demoAuthLocked).slice(0, 5);
    const env = {
      MTS_DATA_DIR: join(dir.path, 'data'), MTS_DATA_KEY: DATA_KEY, MTS_LOG_LEVEL: 'error', MTS_API_HOST: '127.0.0.1', PORT: '0',
      MTS_POLL_INTERVAL_MS: '50', MTS_CHUNK_SIZE: '2',
      MTS_JOB_LOCK_LIFETIME_MS: '1000', TOKENSEEDER_CLEANUP__ENABLED: 'false',
      ...sandboxPartnerEnv(sandbox),
    };
    const silent = createLogger({ silent: true });
    worker = await startWorker(loadWorkerConfig(env), { logger: silent as never });
    api = await startApi(loadConfig(env), { logger: silent });
    rsa = createVcIssuer({ proofType: 'RsaSignature2018' });
    ed = createVcIssuer({ proofType: 'Ed25519Signature2020' });
  });
  afterAll(async () => {
    await api?.close();
    await worker?.stop();
    await sandbox?.close();
    await dir?.remove();
  });

  const post = (body: unknown) => http(`${api.url}/authtoken/vc`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const upload = (request: Record<string, unknown>, file?: string, name = 'vcs.json') => {
    const form = new FormData();
    form.append('request', JSON.stringify(envelopeOf(request)));
    if (file !== undefined) form.append('vc_file', new Blob([file]), name);
    return http(`${api.url}/authtoken/vc`, { method: 'POST', body: form });
  };
  async function finished(id: string): Promise<{ status: string; counts: Record<string, number>; errorCode?: string }> {
    for (let i = 0; i < 400; i++) {
      const s = (await (await http(`${api.url}/authtoken/status/${id}`)).json()).response;
      if (/^(processed|error_)/.test(s.status)) return s;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('request did not finish');
  }
  const idOf = async (res: Awaited<ReturnType<typeof post>>) => {
    const body = await res.json();
    expect({ status: res.status, errors: body.errors }).toEqual({ status: 200, errors: null });
    return body.response.request_identifier as string;
  };

  it('request.vcs, CSV out: tokens with the default VC mapping (UIN and VID, language lists, YYYY/MM/DD dates)', async () => {
    const vcs = [await rsa.issue(folks[0]!), await rsa.issue(folks[1]!, { idType: 'VID' }), await rsa.issue(folks[2]!)];
    const id = await idOf(await post(envelopeOf({ output: 'csv', deliverytype: 'download', lang: 'eng', vcs })));
    expect(await finished(id)).toMatchObject({ status: 'processed', counts: { total: 3, processed: 3 } });
    const lines = (await (await http(`${api.url}/authtoken/file/${id}`)).text()).trim().split(/\r?\n/);
    expect(lines[0]).toBe('vid,status,token,errorCode,errorMessage');
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual([folks[0]!.uin, folks[1]!.vids[0]!.vid, folks[2]!.uin]);
    expect(lines.slice(1).every((l) => /,processed,[^,]+,,$/.test(l))).toBe(true);
  });

  it('vc_file NDJSON, JSON out, verifyProof: a tampered VC among good ones gets ATS-REQ-065, the rest get tokens', async () => {
    const vcs = await Promise.all(folks.slice(0, 4).map((f) => ed.issue(f)));
    const subject = vcs[1]!.credentialSubject as Record<string, unknown>;
    vcs[1] = { ...vcs[1]!, credentialSubject: { ...subject, dateOfBirth: '1999/12/31' } };
    const file = vcs.map((v) => JSON.stringify(v)).join('\n');
    const res = await upload({ output: 'json', deliverytype: 'download', vcconfig: { verifyProof: true, trustedIssuers: [ed.trustedIssuer] } }, file, 'vcs.ndjson');
    const id = await idOf(res);
    expect(await finished(id)).toMatchObject({ status: 'processed_with_errors', counts: { total: 4, processed: 3, invalid: 1 } });
    const rows = (await (await http(`${api.url}/authtoken/file/${id}`)).json()) as Row[];
    expect(rows.map((r) => [r.status, r.errorCode])).toEqual([['processed', null], ['invalid', 'ATS-REQ-065'], ['processed', null], ['processed', null]]);
    expect(rows.map((r) => r.vid)).toEqual(folks.slice(0, 4).map((f) => f.uin));
    expect(rows.filter((r) => r.token).length).toBe(3);
  });

  it('vc_file as a JSON array: bad records each get their own code, the others go on', async () => {
    const good = await rsa.issue(folks[3]!);
    const noId = await rsa.issue(folks[4]!);
    delete (noId.credentialSubject as Record<string, unknown>).UIN;
    const stranger = await createVcIssuer({ issuer: 'https://stranger.example' }).issue(folks[4]!);
    const notVc = { hello: 'world' };
    const file = JSON.stringify([good, noId, notVc, stranger, 'not an object']);
    const res = await upload({ output: 'json', deliverytype: 'download', vcconfig: { verifyProof: true, trustedIssuers: [rsa.trustedIssuer] } }, file);
    const id = await idOf(res);
    expect(await finished(id)).toMatchObject({ status: 'processed_with_errors', counts: { total: 5, processed: 1, invalid: 4 } });
    const rows = (await (await http(`${api.url}/authtoken/file/${id}`)).json()) as Row[];
    // without verifyProof a VC without UIN is 064; with it, the proof (made over the UIN) fails first
    expect(rows.map((r) => r.errorCode)).toEqual([null, 'ATS-REQ-065', 'ATS-REQ-063', 'ATS-REQ-066', 'ATS-REQ-062']);
  });

  it('a VC without UIN/VID is ATS-REQ-064 when proofs are not checked', async () => {
    const noId = await rsa.issue(folks[0]!);
    delete (noId.credentialSubject as Record<string, unknown>).UIN;
    const id = await idOf(await post(envelopeOf({ output: 'json', deliverytype: 'download', vcs: [noId, await rsa.issue(folks[1]!)] })));
    expect(await finished(id)).toMatchObject({ status: 'processed_with_errors', counts: { total: 2, processed: 1, invalid: 1 } });
    const rows = (await (await http(`${api.url}/authtoken/file/${id}`)).json()) as Row[];
    expect(rows.map((r) => r.errorCode)).toEqual(['ATS-REQ-064', null]);
  });

  it("a caller's mapping overrides the VC default key by key", async () => {
    const vc = await rsa.issue(folks[0]!);
    const subject = vc.credentialSubject as Record<string, unknown>;
    const moved = { ...vc, credentialSubject: { ...subject, birth: subject.dateOfBirth, dateOfBirth: undefined } };
    const id = await idOf(await post(envelopeOf({ output: 'json', deliverytype: 'download', mapping: { dob: 'birth' }, vcs: [moved] })));
    expect(await finished(id)).toMatchObject({ status: 'processed', counts: { processed: 1 } });
  });

  it.each([
    ['no vcs at all', () => post(envelopeOf({ output: 'json', deliverytype: 'download' })), 400, 'ATS-REQ-060'],
    ['an empty vcs', () => post(envelopeOf({ output: 'json', deliverytype: 'download', vcs: [] })), 400, 'ATS-REQ-060'],
    ['verifyProof without trustedIssuers', () => post(envelopeOf({ output: 'json', deliverytype: 'download', vcs: [{}], vcconfig: { verifyProof: true } })), 400, 'ATS-REQ-061'],
    ['an unreadable key', () => post(envelopeOf({ output: 'json', deliverytype: 'download', vcs: [{}], vcconfig: { trustedIssuers: [{ verificationMethod: 'k', publicKeyPem: 'nope' }] } })), 400, 'ATS-REQ-061'],
    ['a vcconfig of the wrong shape', () => post(envelopeOf({ output: 'json', deliverytype: 'download', vcs: [{}], vcconfig: { verifyProof: 'yes' } })), 422, 'ATS-REQ-102'],
    ['VCs both in vcs and vc_file', () => upload({ output: 'json', deliverytype: 'download', vcs: [{}] }, '[]'), 400, 'ATS-REQ-069'],
    ['an empty vc_file', () => upload({ output: 'json', deliverytype: 'download' }, '  \n'), 400, 'ATS-REQ-069'],
    ['a binary vc_file', () => upload({ output: 'json', deliverytype: 'download' }, '\u0000\u0001\u0002'), 400, 'ATS-REQ-069'],
    ['a multipart body without vc_file', () => upload({ output: 'json', deliverytype: 'download' }), 400, 'ATS-REQ-102'],
  ])('refuses %s at submission with a clear code', async (_what, send, status, code) => {
    const res = await send();
    const body = await res.json();
    expect({ status: res.status, code: body.errors?.[0]?.errorCode }).toEqual({ status, code });
  });

  it('is in the OpenAPI document: JSON (vcs, vcconfig) and multipart (request, vc_file)', async () => {
    const doc = await (await http(`${api.url}/openapi.json`)).json();
    const content = doc.paths['/authtoken/vc'].post.requestBody.content;
    const request = content['application/json'].schema.properties.request;
    expect(Object.keys(request.properties)).toEqual(expect.arrayContaining(['vcs', 'vcconfig', 'output', 'deliverytype', 'mapping', 'lang']));
    expect(request.properties.vcconfig.properties.trustedIssuers.items.required).toEqual(['verificationMethod']);
    expect(content['multipart/form-data'].schema.required).toEqual(['request', 'vc_file']);
  });

  it('keeps VCs encrypted at rest: no UIN or name in plaintext in the data directory', async () => {
    const vc = await rsa.issue(folks[2]!);
    const id = await idOf(await post(envelopeOf({ output: 'json', deliverytype: 'download', vcs: [vc], vcconfig: { verifyProof: true, trustedIssuers: [rsa.trustedIssuer] } })));
    await finished(id);
    const name = (folks[2]!.attributes.fullName as { value: string }[])[0]!.value;
    const files = await readdir(join(dir.path, 'data'), { recursive: true, withFileTypes: true });
    let checked = 0;
    for (const f of files.filter((e) => e.isFile())) {
      const bytes = await readFile(join(f.parentPath, f.name));
      expect({ file: f.name, uin: bytes.includes(folks[2]!.uin), name: bytes.includes(name) }).toEqual({ file: f.name, uin: false, name: false });
      checked++;
    }
    expect(checked).toBeGreaterThan(0);
  });
});
