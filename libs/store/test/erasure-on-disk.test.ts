// Erased PII is gone from the SQLite files themselves, not only from what SQL returns: SQLite keeps freed cells,
// freed pages and old write-ahead-log frames on disk unless told otherwise, and the data key lies in the same
// folder. The sealed values are looked for byte for byte.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTempDir, type TempDir } from '@mts/testing';
import { createKeyring, dataKeyFromBytes, openStore, type Store } from '../src/index.js';
import { dataSourceOf } from '../src/lib/store.js';

const keyring = createKeyring(dataKeyFromBytes(Buffer.alloc(32, 9)));
const N = 200;

let dir: TempDir;
let store: Store;
const path = () => join(dir.path, 'seeder.sqlite');

beforeEach(async () => {
  dir = await createTempDir('erasure-disk-');
  store = await openStore({ path: path(), keyring });
});
afterEach(async () => {
  await store.close();
  await dir.remove();
});

/** A request of N answered records with synthetic names and addresses; the sealed values its rows hold. */
async function answeredRequest(): Promise<{ id: string; sealed: Buffer[] }> {
  const req = await store.createRequest({ inputKind: 'odk', config: { output: 'csv', deliverytype: 'download' } });
  const records = Array.from({ length: N }, (_, k) => ({
    lineNo: k + 2,
    seq: k,
    chunk: Math.floor(k / 50),
    received: { vid: `40000${k}`, name: `Zorbelina Quux${k}`, fullAddress: `${k} Synthetic Lane` },
    input: { vid: `40000${k}`, name: [{ language: 'eng', value: `Zorbelina Quux${k}` }] },
  }));
  await store.insertRecords(req.id, records);
  await store.recordAnswers(req.id, records.map((r) => ({ lineNo: r.lineNo, ok: true as const, vid: r.input.vid, token: `tok${r.seq}` })));
  const rows = (await dataSourceOf(store).query('SELECT received_ct, input_ct, output_ct FROM records WHERE request_id = ?', [req.id])) as Record<string, Buffer | null>[];
  const sealed = rows.flatMap((r) => [r['received_ct'], r['input_ct'], r['output_ct']]).filter((b): b is Buffer => Buffer.isBuffer(b));
  expect(sealed).toHaveLength(3 * N);
  return { id: req.id, sealed };
}

async function onDisk(sealed: Buffer[]): Promise<number> {
  const bytes = Buffer.concat(await Promise.all(['', '-wal'].map((s) => readFile(path() + s).catch(() => Buffer.alloc(0)))));
  return sealed.filter((b) => bytes.includes(b)).length;
}

test('after erasure no sealed value of the request is left in the database file or its log, the store still open', async () => {
  const { id, sealed } = await answeredRequest();
  expect(await onDisk(sealed)).toBeGreaterThan(0); // the search finds them while they exist
  await store.erasePii(id);
  expect(await onDisk(sealed)).toBe(0);
});

test('after erasure and clean-up of the request, none is left either once the store is closed', async () => {
  const { id, sealed } = await answeredRequest();
  await store.beginIngest(id);
  await store.endIngest(id, { chunkCount: 4 });
  await store.beginDelivery(id);
  await store.writeOutput(id, ['out']);
  await store.outputWritten(id, 'processed');
  await store.erasePii(id);
  await store.finish(id);
  expect(await store.cleanup({ expirySeconds: 0, now: new Date(Date.now() + 1000) })).toMatchObject({ requests: 1 });
  await store.close();
  expect(await onDisk(sealed)).toBe(0);
  store = await openStore({ path: path(), keyring });
});
