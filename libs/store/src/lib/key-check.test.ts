// Opening a store whose data was sealed under a key the keyring lacks fails at once (a mistyped key file, a rotation
// that dropped the old key), instead of every job failing later with STORE_UNKNOWN_KEY_ID.
import { describeEngines, type StorePlace } from '../../test/store-engines.js';
import { createKeyring, dataKeyFromBytes } from './data-key.js';
import type { Store } from './store.js';

const oldKey = dataKeyFromBytes(Buffer.alloc(32, 11));
const newKey = dataKeyFromBytes(Buffer.alloc(32, 12));

describeEngines('the key check at open', (engine) => {
  let place: StorePlace;
  let store: Store | undefined;
  beforeEach(async () => {
    place = await engine.place('key-check-');
  });
  afterEach(async () => {
    await store?.close();
    store = undefined;
    await place.remove();
  });

  async function requestSealedUnderOldKey(): Promise<string> {
    store = await place.open({ keyring: createKeyring(oldKey) });
    const { id } = await store.createRequest({ inputKind: 'odk', config: { output: 'csv', deliverytype: 'download' } });
    await store.close();
    store = undefined;
    return id;
  }

  test('a store with data under an unknown key is refused, naming the key ids; with the old key kept it opens', async () => {
    await requestSealedUnderOldKey();
    const refused = await place.open({ keyring: createKeyring(newKey) }).then(
      (s) => ((store = s), undefined),
      (e: unknown) => e,
    );
    expect(refused).toMatchObject({ code: 'STORE_UNKNOWN_KEY_ID' });
    expect((refused as Error).message).toContain(oldKey.id.toString('hex'));
    expect((refused as Error).message).not.toContain(oldKey.key.toString('base64'));
    store = await place.open({ keyring: createKeyring(newKey, [oldKey]) });
  });

  test('an empty store, erased requests, or checkKeys: false open under any key', async () => {
    store = await place.open({ keyring: createKeyring(newKey) });
    await store.close();
    const id = await requestSealedUnderOldKey();
    store = await place.open({ keyring: createKeyring(newKey), checkKeys: false });
    await store.erasePii(id);
    await store.close();
    store = await place.open({ keyring: createKeyring(newKey) });
    expect(await store.getRequest(id)).toMatchObject({ id });
  });

  test("an erased request's output still waiting for its download is checked too", async () => {
    const id = await requestSealedUnderOldKey();
    store = await place.open({ keyring: createKeyring(oldKey) });
    await store.writeOutput(id, ['vid,token\n', 'synthetic-vid,synthetic-token\n']);
    await store.erasePii(id);
    await store.close();
    const refused = await place.open({ keyring: createKeyring(newKey) }).then(
      (s) => ((store = s), undefined),
      (e: unknown) => e,
    );
    expect(refused).toMatchObject({ code: 'STORE_UNKNOWN_KEY_ID' });
    expect((refused as Error).message).toContain(oldKey.id.toString('hex'));
    store = await place.open({ keyring: createKeyring(newKey, [oldKey]) });
  });
});

