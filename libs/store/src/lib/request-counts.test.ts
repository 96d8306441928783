import { describeEngines, type StorePlace } from '../../test/store-engines.js';
import { createKeyring, dataKeyFromBytes } from './data-key.js';
import type { Store } from './store.js';

const keyring = createKeyring(dataKeyFromBytes(Buffer.alloc(32, 5)));

describeEngines('countRequestsByStatus', (engine) => {
  let place: StorePlace;
  let store: Store;

  beforeEach(async () => {
    place = await engine.place('store-counts-');
    store = await place.open({ keyring });
  });
  afterEach(async () => {
    await store.close();
    await place.remove();
  });

  test('counts each status present, and none for an empty store', async () => {
    expect(await store.countRequestsByStatus()).toEqual({});
    const config = { output: 'csv' as const, deliverytype: 'download' };
    const a = await store.createRequest({ inputKind: 'odk', config });
    await store.createRequest({ inputKind: 'odk', config });
    await store.beginIngest(a.id);
    expect(await store.countRequestsByStatus()).toEqual({ submitted: 1, processing: 1 });
  });

  test('rejects with STORE_UNAVAILABLE once the database is closed', async () => {
    await store.close();
    await expect(store.countRequestsByStatus()).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
  });
});
