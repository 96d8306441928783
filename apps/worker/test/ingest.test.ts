// What ingest stores for each record: the received record only when an outputFormat will read it.
import { createTempDir, type TempDir } from '@mts/testing';
import type { Store } from '@mts/store';
import { runIngest } from '../src/lib/jobs/ingest.js';
import { openApiStore, people, recordingContext, submit, testConfig, type Enqueued } from './helpers.js';

let dir: TempDir;
let store: Store;

beforeEach(async () => {
  dir = await createTempDir('ingest-');
  store = await openApiStore(testConfig(dir.path));
});
afterEach(async () => {
  await store.close();
  await dir.remove();
});

async function ingested(config: Record<string, unknown>) {
  const id = await submit(store, 'ndjson', people(30), config);
  await runIngest(recordingContext(store, [] as Enqueued[], testConfig(dir.path)), id);
  const rows = [];
  for await (const r of store.streamRecords(id)) rows.push(r);
  return { id, rows, pending: await store.pendingRecords(id, 0) };
}

test('without an outputFormat the received record is not stored; the IDA input is', async () => {
  const { rows, pending } = await ingested({});
  expect(rows).toHaveLength(30);
  expect(rows.every((r) => r.received === null)).toBe(true);
  expect(pending[0]!.input).toMatchObject({ vid: '4000000000' });
  // Invalid records still carry their output (code and vid) for the download.
  expect(rows.find((r) => r.status === 'invalid')!.output).toMatchObject({ status: 'invalid', errorCode: 'ATS-REQ-011', vid: '4000000007' });
});

test('with an outputFormat the received record is stored for its .input', async () => {
  const { id, rows } = await ingested({ outputFormat: '{ name: .input.name }' });
  expect(rows[0]!.received).toMatchObject({ vid: '4000000000', name: 'Zorbelina Quux0' });
  const skipped = [];
  for await (const r of store.streamRecords(id, { received: false })) skipped.push(r);
  expect(skipped.every((r) => r.received === null)).toBe(true);
});
