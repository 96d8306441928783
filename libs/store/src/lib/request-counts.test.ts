import { join } from 'node:path';
import { createTempDir, type TempDir } from '@mts/testing';
import { createKeyring, dataKeyFromBytes } from './data-key.js';
import { openStore, type Store } from './store.js';

const keyring = createKeyring(dataKeyFromBytes(Buffer.alloc(32, 5)));
let dir: TempDir;
let store: Store;

beforeEach(async () => {
  dir = await createTempDir('store-counts-');
  store = await openStore({ path: join(dir.path, 'seeder.sqlite'), keyring });
});
afterEach(async () => {
  await store.close();
  await dir.remove();
});

test('countRequestsByStatus counts each status present, and none for an empty store', async () => {
  expect(await store.countRequestsByStatus()).toEqual({});
  const config = { output: 'csv' as const, deliverytype: 'download' };
  const a = await store.createRequest({ inputKind: 'odk', config });
  await store.createRequest({ inputKind: 'odk', config });
  await store.beginIngest(a.id);
  expect(await store.countRequestsByStatus()).toEqual({ submitted: 1, processing: 1 });
});

test('countRequestsByStatus rejects with STORE_UNAVAILABLE once the database is closed', async () => {
  await store.close();
  await expect(store.countRequestsByStatus()).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
});
