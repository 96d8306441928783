// Each request job made to fail non-retryably on every attempt (a sealed value that no longer opens): the worker
// gives the work up after the last attempt and the request still finishes, with MTS statuses and exact counts.
import { createTempDir, type TempDir } from '@mts/testing';
import type { RequestInfo, Store } from '@mts/store';
import type { AuthenticatorLike } from '../src/lib/context.js';
import { createLogger } from '../src/lib/logger.js';
import { startWorker, type RunningWorker } from '../src/index.js';
import { fakeAuthenticator } from './fake-authenticator.js';
import { filesOf, openApiStore, people, readOutput, sql, submit, testConfig, waitDone, waitFor } from './helpers.js';

jest.setTimeout(120_000);

let dir: TempDir;
let api: Store;
let worker: RunningWorker | undefined;

beforeEach(async () => {
  dir = await createTempDir('exhausted-');
});
afterEach(async () => {
  await worker?.stop();
  worker = undefined;
  await api?.close();
  await dir.remove();
});

// Fast retries: 6 attempts take about a second.
const env = { MTS_RETRY_BASE_MS: '20', MTS_RETRY_MAX_MS: '200' };

/** The fake IDA, holding every call until `open()`, so the test can change the store while nothing moves. */
function gatedAuthenticator() {
  const fake = fakeAuthenticator();
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const auth: AuthenticatorLike = {
    authenticate: async (req) => {
      await gate;
      return fake.auth.authenticate(req);
    },
    close: async () => {},
  };
  return { auth, open };
}

async function start(extra: Record<string, string> = {}) {
  const config = testConfig(dir.path, { ...env, ...extra });
  api = await openApiStore(config);
  const ida = gatedAuthenticator();
  worker = await startWorker(config, { authenticator: ida.auth, logger: createLogger({ silent: true }) });
  return ida;
}

const flipLastByte = (blob: Buffer) => Buffer.concat([blob.subarray(0, -1), Buffer.from([blob[blob.length - 1]! ^ 1])]);

/** Damages the sealed IDA inputs of one chunk (authentication fails when they are opened). */
async function corruptChunk(id: string, chunk: number) {
  const rows = sql<{ line_no: number; input_ct: Buffer }>(dir.path, 'SELECT line_no, input_ct FROM records WHERE request_id = ? AND chunk = ? AND input_ct IS NOT NULL', id, chunk);
  for (const r of rows) {
    sql(dir.path, 'UPDATE records SET input_ct = ? WHERE request_id = ? AND line_no = ?', flipLastByte(r.input_ct), id, r.line_no);
  }
}

/** Damages the sealed request settings; returns the original to put back. */
async function corruptConfig(id: string): Promise<Buffer> {
  const [row] = sql<{ config_ct: Buffer }>(dir.path, 'SELECT config_ct FROM requests WHERE id = ?', id);
  sql(dir.path, 'UPDATE requests SET config_ct = ? WHERE id = ?', flipLastByte(row!.config_ct), id);
  return row!.config_ct;
}

const MTS_STATUSES = ['submitted', 'processing', 'processed', 'processed_with_errors'];

/** What a caller of `GET authtoken/status/{id}` and `file/{id}` is told (the API's rules, apps/api store-requests.ts). */
function asCaller(info: RequestInfo) {
  const { total, processed, error, invalid } = info.counts;
  return {
    knownStatus: MTS_STATUSES.includes(info.status) || info.status.startsWith('error_'),
    fileReady: info.status.startsWith('processed') && info.hasOutput,
    unanswered: total - processed - error - invalid,
    finished: info.phase === 'done' && info.finishedAt !== null,
  };
}

test('process-chunk: a chunk whose inputs cannot be opened ends as ATS-REQ-100 errors and the rest of the request goes on', async () => {
  const ida = await start({ MTS_CHUNKS_IN_FLIGHT_PER_REQUEST: '1' });
  const id = await submit(api, 'ndjson', people(60));
  // Chunk 0 waits at IDA; chunk 1 (seq 25..49) is damaged before it starts.
  await waitFor(async () => (await api.getRequest(id))?.phase === 'processing', 20_000, 'ingest');
  await corruptChunk(id, 1);
  ida.open();

  const done = await waitDone(api, id);
  expect(done).toMatchObject({ status: 'processed_with_errors', lastError: 'process-chunk:STORE_DECRYPT_FAILED' });
  // Chunk 1 holds 3 invalid records and 22 given up; chunks 0 and 2 hold 3 IDA refusals (vids ending in 9).
  expect(done.counts).toEqual({ total: 60, processed: 29, error: 25, invalid: 6 });
  expect(asCaller(done)).toEqual({ knownStatus: true, fileReady: true, unanswered: 0, finished: true });
  const rows = JSON.parse(await readOutput(api, done)) as Record<string, unknown>[];
  expect(rows).toHaveLength(60);
  expect(rows[24]).toMatchObject({ vid: '4000000024', status: 'processed', token: 'tok-4000000024' });
  expect(rows[25]).toEqual({ vid: null, status: 'error', token: null, errorCode: 'ATS-REQ-100', errorMessage: 'internal error: STORE_DECRYPT_FAILED' });
  expect(rows[27]).toMatchObject({ vid: '4000000027', status: 'invalid', errorCode: 'ATS-REQ-011' });
  expect(rows[50]).toMatchObject({ vid: '4000000050', status: 'processed' });
  expect(done.piiErasedAt).toBeInstanceOf(Date);
});

test('ingest: a request whose settings cannot be read goes on with the records already stored', async () => {
  const ida = await start();
  // An earlier run stored 30 records (2 chunks) before the settings became unreadable.
  const id = await submit(api, 'ndjson', people(40));
  const stored = people(30).map((p, k) => ({ lineNo: k + 1, seq: k, chunk: Math.floor(k / 25), received: undefined, input: { vid: p.vid } }));
  await api.insertRecords(id, stored);
  await api.beginIngest(id);
  const config = await corruptConfig(id);

  const gaveUp = await waitFor(async () => {
    const r = await api.getRequest(id);
    return r?.phase === 'processing' ? r : undefined;
  }, 20_000, 'ingest to give up');
  expect(gaveUp).toMatchObject({ status: 'processing', chunkCount: 2, lastError: 'ingest:STORE_DECRYPT_FAILED' });
  expect(asCaller(gaveUp)).toMatchObject({ knownStatus: true, fileReady: false, unanswered: 30, finished: false });
  // Delivery needs the settings (output format); the damage was only ingest's to meet.
  sql(dir.path, 'UPDATE requests SET config_ct = ? WHERE id = ?', config, id);
  ida.open();

  const done = await waitDone(api, id);
  expect(done.status).toBe('processed_with_errors');
  expect(done.counts).toEqual({ total: 30, processed: 27, error: 3, invalid: 0 });
  expect(asCaller(done)).toEqual({ knownStatus: true, fileReady: true, unanswered: 0, finished: true });
  expect(JSON.parse(await readOutput(api, done))).toHaveLength(30);
});

test('deliver: no output can be made, so the request ends error_creating_download_unknown_exception, erased, and expires', async () => {
  const ida = await start();
  const id = await submit(api, 'ndjson', people(30));
  await waitFor(async () => (await api.getRequest(id))?.phase === 'processing', 20_000, 'ingest');
  await corruptConfig(id);
  ida.open();

  const done = await waitDone(api, id);
  expect(done).toMatchObject({
    status: 'error_creating_download_unknown_exception',
    lastError: 'deliver:STORE_DECRYPT_FAILED',
    hasOutput: false,
    counts: { total: 30, processed: 24, error: 3, invalid: 3 },
  });
  // The file endpoint answers 202 ATS-REQ-017 (status does not start with `processed`), as MTS does for this status.
  expect(asCaller(done)).toEqual({ knownStatus: true, fileReady: false, unanswered: 0, finished: true });
  expect(done.piiErasedAt).toBeInstanceOf(Date);
  expect(await filesOf(dir.path, id)).toEqual([]);
  for await (const r of api.streamRecords(id)) expect(r.output).toBeNull();

  expect(await api.cleanup({ expirySeconds: 60, now: new Date(done.finishedAt!.getTime() + 61_000) })).toMatchObject({ requests: 1 });
  expect(await api.getRequest(id)).toBeNull();
});
