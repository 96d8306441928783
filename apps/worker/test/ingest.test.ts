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

test("a name or address mapped from several fields is joined with MTS's configured delimiters", async () => {
  const records = [{ vid: '4000000001', first: 'Zorbelina', last: 'Quux', gender: 'Female', dob: '1990/01/01', street: '1 Synthetic Lane', town: 'Nowhere' }];
  const mapping = { vid: 'vid', name: ['first', 'last'], gender: 'gender', dob: 'dob', fullAddress: ['street', 'town'] };
  const run = async (extra: Record<string, string>) => {
    const config = testConfig(dir.path, extra);
    const id = await submit(store, 'ndjson', records, { mapping });
    await runIngest(recordingContext(store, [] as Enqueued[], config), id);
    return (await store.pendingRecords(id, 0))[0]!.input as { name: { value: string }[]; fullAddress: { value: string }[] };
  };
  const mts = await run({});
  expect([mts.name[0]!.value, mts.fullAddress[0]!.value]).toEqual(['Zorbelina Quux', '1 Synthetic Lane, Nowhere']);
  const own = await run({ TOKENSEEDER_ROOT__NAME_DELIMITER: '_', TOKENSEEDER_ROOT__FULL_ADDRESS_DELIMITER: ' / ' });
  expect([own.name[0]!.value, own.fullAddress[0]!.value]).toEqual(['Zorbelina_Quux', '1 Synthetic Lane / Nowhere']);
});
