// A CSV record over the documented 16 Mi-character cap is an invalid record with its own code; it never reaches
// IDA, and the records around it go on (issue 11 item 8: a 17 MiB field used to be sent to IDA).
import { createTempDir, type TempDir } from '@mts/testing';
import type { Store } from '@mts/store';
import { runIngest } from '../src/lib/jobs/ingest.js';
import { openApiStore, recordingContext, submit, testConfig, type Enqueued } from './helpers.js';

let dir: TempDir;
let store: Store;
beforeEach(async () => {
  dir = await createTempDir('record-cap-');
  store = await openApiStore(testConfig(dir.path));
});
afterEach(async () => {
  await store.close();
  await dir.remove();
});

test('a 17 MiB CSV field makes its record CSV_RECORD_TOO_LARGE; the others are ingested', async () => {
  const row = (vid: string, name: string) => `${vid},${name},Female,1990/01/01,1 Synthetic Lane\n`;
  const csv = `vid,name,gender,dob,fullAddress\n${row('4000000001', 'Zorbelina Quux')}${row('4000000002', 'x'.repeat(17 * 1024 * 1024))}${row('4000000003', 'Quux Zorbel')}`;
  const id = await submit(store, 'csv', csv);
  await runIngest(recordingContext(store, [] as Enqueued[], testConfig(dir.path)), id);
  const rows = [];
  for await (const r of store.streamRecords(id)) rows.push(r);
  expect(rows.map((r) => [r.lineNo, r.status])).toEqual([[2, expect.not.stringMatching(/invalid/)], [3, 'invalid'], [4, expect.not.stringMatching(/invalid/)]]);
  expect(rows[1]!.output).toMatchObject({ status: 'invalid', errorCode: 'CSV_RECORD_TOO_LARGE' });
  const pending = await store.pendingRecords(id, 0);
  expect(pending.map((p) => (p.input as { vid: string }).vid)).toEqual(['4000000001', '4000000003']);
}, 60_000);
