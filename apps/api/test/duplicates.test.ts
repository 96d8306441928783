// The duplicate report end to end: people listed several times under their UIN and VIDs get one token each from
// IDA (the sandbox derives it from the UIN), and GET authtoken/duplicates/{id} groups their lines.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTempDir, type TempDir } from '@mts/testing';
import { sandboxPartnerEnv, startSandbox, type RunningSandbox } from '@mts/ida-sandbox';
import { loadConfig as loadWorkerConfig, startWorker, type RunningWorker } from '@mts/worker';
import { createLogger, loadConfig, startApi, type RunningApi } from '../src/index.js';
import { http } from './listen.js';

jest.setTimeout(60_000);
const envelopeOf = (request: Record<string, unknown>) => ({ id: 'string', version: 'string', metadata: 'string', requesttime: new Date().toISOString(), request });

interface Identity {
  uin: string;
  status: string;
  demoAuthLocked: boolean;
  vids: { vid: string; type: string; status: string; expiresAt: string | null }[];
  attributes: Record<string, unknown>;
}
const eng = (v: unknown) => (Array.isArray(v) ? (v as { language: string; value: string }[]).find((x) => x.language === 'eng')?.value : String(v));

describe('duplicate report (sandbox + worker + API)', () => {
  let dir: TempDir;
  let sandbox: RunningSandbox;
  let worker: RunningWorker;
  let api: RunningApi;
  let usable: Identity[];

  beforeAll(async () => {
    dir = await createTempDir('api-duplicates-');
    sandbox = await startSandbox({ dataDir: join(dir.path, 'ida'), identityCount: 12 });
    const raw = JSON.parse(readFileSync(sandbox.identitiesPath, 'utf8'));
    usable = ((Array.isArray(raw) ? raw : raw.identities) as Identity[]).filter((i) => i.status === 'ACTIVATED' && !i.demoAuthLocked);
    const env = {
      MTS_DATA_DIR: join(dir.path, 'data'), MTS_DATA_KEY: Buffer.alloc(32, 3).toString('base64'), MTS_LOG_LEVEL: 'error', MTS_API_HOST: '127.0.0.1', PORT: '0',
      MTS_POLL_INTERVAL_MS: '50', MTS_CHUNK_SIZE: '4', MTS_JOB_LOCK_LIFETIME_MS: '1000', TOKENSEEDER_CLEANUP__ENABLED: 'false',
      ...sandboxPartnerEnv(sandbox),
    };
    const silent = createLogger({ silent: true });
    worker = await startWorker(loadWorkerConfig(env), { logger: silent as never });
    api = await startApi(loadConfig(env), { logger: silent });
  });
  afterAll(async () => {
    await api?.close();
    await worker?.stop();
    await sandbox?.close();
    await dir?.remove();
  });

  /** One record of a person under one of their ids. */
  const as = (p: Identity, id: string) => ({
    vid: id,
    name: eng(p.attributes.fullName),
    gender: eng(p.attributes.gender),
    dob: String(p.attributes.dateOfBirth),
    fullAddress: ['addressLine1', 'addressLine2', 'addressLine3', 'city', 'region', 'province', 'postalCode']
      .map((k) => (p.attributes[k] === undefined ? undefined : eng(p.attributes[k])))
      .filter(Boolean)
      .join(', '),
  });
  const active = (p: Identity) => p.vids.filter((v) => v.status === 'ACTIVE' && v.expiresAt === null).map((v) => v.vid);

  async function finished(id: string) {
    for (let i = 0; i < 400; i++) {
      const s = (await (await http(`${api.url}/authtoken/status/${id}`)).json()).response;
      if (/^(processed|error_)/.test(s.status)) return s;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('request did not finish');
  }

  it('groups the lines of three people listed 2–4 times under different ids, in JSON and CSV, without PII', async () => {
    // A person with two active VIDs (every 10th has a one-time VID too) appears 4 times: UIN, both VIDs, UIN again.
    const four = usable.find((p) => active(p).length >= 2)!;
    const [two, three, ...rest] = usable.filter((p) => p !== four);
    const singles = rest.slice(0, 3);
    const authdata = [
      as(four, four.uin), // 1
      as(two!, two!.uin), // 2
      as(singles[0]!, singles[0]!.uin), // 3
      as(three!, three!.uin), // 4
      as(four, active(four)[0]!), // 5
      as(two!, active(two!)[0]!), // 6
      as(singles[1]!, singles[1]!.uin), // 7
      as(three!, active(three!)[0]!), // 8
      as(four, active(four)[1]!), // 9
      as(three!, three!.uin), // 10
      { vid: '4000000009', name: 'Nobody' }, // 11: invalid, in no group
      as(four, four.uin), // 12
      as(singles[2]!, singles[2]!.uin), // 13
    ];
    const res = await http(`${api.url}/authtoken/json`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(envelopeOf({ output: 'json', deliverytype: 'download', authdata })),
    });
    const id = (await res.json()).response.request_identifier;
    expect(await finished(id)).toMatchObject({ status: 'processed_with_errors', counts: { total: 13, processed: 12, invalid: 1 }, duplicateGroups: 3 });

    const json = await http(`${api.url}/authtoken/duplicates/${id}`);
    expect(json.status).toBe(200);
    const text = await json.text();
    const body = JSON.parse(text);
    expect(body).toMatchObject({ id: 'mosip.token.seeder', errors: null });
    expect(body.response).toEqual({
      groups: 3,
      records: 9,
      duplicates: [
        { group: 1, count: 4, lineNumbers: [1, 5, 9, 12] },
        { group: 2, count: 2, lineNumbers: [2, 6] },
        { group: 3, count: 3, lineNumbers: [4, 8, 10] },
      ],
    });
    // Line numbers only: no id, name or token of anyone.
    const out = await (await http(`${api.url}/authtoken/file/${id}`)).json();
    for (const secret of [four.uin, active(four)[0]!, out[0].token, eng(four.attributes.fullName)!]) expect(text.includes(secret)).toBe(false);
    // The tokens in the output agree with the groups.
    expect(new Set([0, 4, 8, 11].map((i) => out[i].token)).size).toBe(1);
    expect(out[1].token).not.toBe(out[3].token);

    const csv = await http(`${api.url}/authtoken/duplicates/${id}?format=csv`);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect((await csv.text()).trim().split('\n')).toEqual([
      'group,groupSize,lineNumber', '1,4,1', '1,4,5', '1,4,9', '1,4,12', '2,2,2', '2,2,6', '3,3,4', '3,3,8', '3,3,10',
    ]);
    const byAccept = await http(`${api.url}/authtoken/duplicates/${id}`, { headers: { accept: 'text/csv' } });
    expect((await byAccept.text()).startsWith('group,groupSize,lineNumber\n')).toBe(true);
  });

  it('answers an unknown id with 404, a bad format with 400, and a request still running with 202', async () => {
    const unknown = await http(`${api.url}/authtoken/duplicates/0099999999999999999999`);
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).errors[0].errorCode).toBe('ATS-REQ-016');

    const p = usable[0]!;
    const res = await http(`${api.url}/authtoken/json`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(envelopeOf({ output: 'json', deliverytype: 'download', authdata: [as(p, p.uin)] })),
    });
    const id = (await res.json()).response.request_identifier;
    // Right after submission nothing is answered yet: the report is not ready.
    const early = await http(`${api.url}/authtoken/duplicates/${id}`);
    expect(early.status).toBe(202);
    expect((await early.json()).errors[0].errorCode).toBe('ATS-REQ-017');
    expect(await finished(id)).toMatchObject({ status: 'processed', duplicateGroups: 0 });
    const none = await (await http(`${api.url}/authtoken/duplicates/${id}`)).json();
    expect(none.response).toEqual({ groups: 0, records: 0, duplicates: [] });
    const bad = await http(`${api.url}/authtoken/duplicates/${id}?format=xml`);
    expect(bad.status).toBe(400);
    expect((await bad.json()).errors[0].errorCode).toBe('ATS-REQ-102');
  });
});
