// The request files through the store's API: saved, opened, written and refused without any path leaving it.
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { describeEngines, type StorePlace } from '../../test/store-engines.js';
import { createKeyring, dataKeyFromBytes } from './data-key.js';
import type { Store } from './store.js';

const keyring = createKeyring(dataKeyFromBytes(Buffer.alloc(32, 3)));

describeEngines('request files', (engine) => {
  let place: StorePlace;
  let store: Store;
  const files = () => place.files();

  beforeEach(async () => {
    place = await engine.place('request-files-');
    store = await place.open({ keyring });
  });
  afterEach(async () => {
    await store.close();
    await place.remove();
  });

  /** 100 KiB of text and then a failure: at least one sealed chunk reaches the disk first. */
  function failingSource(): Readable {
    return Readable.from(
      (async function* () {
        yield 'x'.repeat(100 * 1024);
        await new Promise((r) => setTimeout(r, 10));
        throw Object.assign(new Error('client went away'), { code: 'ECONNRESET' });
      })(),
    );
  }

  /** A request with its output written: `text` as the output file. */
  async function withOutput(output: string[]): Promise<string> {
    const { id } = await store.createRequest({ inputKind: 'odk', config: { output: 'csv', deliverytype: 'download' } });
    await store.beginIngest(id);
    await store.endIngest(id, { chunkCount: 0 });
    await store.beginDelivery(id);
    await store.writeOutput(id, output);
    expect(await store.outputWritten(id, 'processed')).toMatchObject({ hasOutput: true, status: 'processed' });
    return id;
  }

  const flip = (id: string, at: (size: number) => number) =>
    place.damage(id, 'output.csv', (bytes) => {
      bytes[at(bytes.length)] ^= 0xff;
      return bytes;
    });

  test('an input is saved encrypted under the request id, opened decrypted, and discarded', async () => {
    const id = store.newRequestId();
    await store.saveInput(id, 'ndjson', ['{"name":"Zorbelina"}\n', Buffer.from('{"name":"Quux"}\n')]);
    expect(await files()).toEqual([`${id}.input.ndjson.enc`]);
    const stored = await place.dump();
    expect(stored.includes('Quux') || stored.includes('Zorbelina')).toBe(false);
    await store.createRequest({ id, inputKind: 'ndjson', config: { output: 'json', deliverytype: 'download' } });
    expect(await text(store.openInput(id))).toBe('{"name":"Zorbelina"}\n{"name":"Quux"}\n');
    // A request reads the input saved under its id whatever file kind it was saved as (VCs come as NDJSON or an upload).
    const vc = store.newRequestId();
    await store.saveInput(vc, 'csv', ['[{"credentialSubject":{}}]']);
    await store.createRequest({ id: vc, inputKind: 'vc', config: { output: 'json', deliverytype: 'download' } });
    expect(await text(store.openInput(vc))).toBe('[{"credentialSubject":{}}]');
    await store.discardInput(vc);
    await store.discardInput(id);
    expect(await files()).toEqual([]);
  });

  test('a request whose input was not saved is refused', async () => {
    await expect(store.createRequest({ id: store.newRequestId(), inputKind: 'csv', config: { output: 'json', deliverytype: 'download' } })).rejects.toMatchObject({
      code: 'STORE_FILE_MISSING',
    });
  });

  test('a save or an output write that fails midway rejects with its cause and leaves nothing behind', async () => {
    const id = store.newRequestId();
    await expect(store.saveInput(id, 'csv', failingSource())).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(await files()).toEqual([]);

    const { id: other } = await store.createRequest({ inputKind: 'odk', config: { output: 'json', deliverytype: 'download' } });
    await expect(store.writeOutput(other, failingSource())).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(await files()).toEqual([]);
    expect((await store.getRequest(other))!.hasOutput).toBe(false);
    await expect(store.openOutput(other)).rejects.toMatchObject({ code: 'STORE_NOT_FOUND' });
  });

  test('openOutput checks the file before it resolves: missing, damaged and cut files are refused up front', async () => {
    const ok = await withOutput(['vid\n', '1\n']);
    expect(await text(await store.openOutput(ok))).toBe('vid\n1\n');

    const missing = await withOutput(['vid\n']);
    await place.damage(missing, 'output.csv', () => null);
    await expect(store.openOutput(missing)).rejects.toMatchObject({ code: 'STORE_FILE_MISSING' });

    const damaged = await withOutput(['vid\n']);
    await flip(damaged, (size) => size - 1);
    await expect(store.openOutput(damaged)).rejects.toMatchObject({ code: 'STORE_FILE_CORRUPT' });

    const cut = await withOutput(['vid\n']);
    await place.damage(cut, 'output.csv', (bytes) => bytes.subarray(0, 40));
    await expect(store.openOutput(cut)).rejects.toMatchObject({ code: 'STORE_FILE_TRUNCATED' });
  });

  test('damage past the first chunk errors the stream once it is reached', async () => {
    const id = await withOutput(['a'.repeat(200 * 1024)]);
    await flip(id, (size) => size - 1);
    const stream = await store.openOutput(id);
    await expect(text(stream)).rejects.toMatchObject({ code: 'STORE_FILE_CORRUPT' });
  });
});
