// Named transitions: each moves a request only from the phase it names, so a re-run after a crash changes nothing.
import { describeEngines, type StorePlace } from '../../test/store-engines.js';
import { createKeyring, dataKeyFromBytes } from './data-key.js';
import type { Store } from './store.js';
import type { RequestConfig } from './types.js';

const keyring = createKeyring(dataKeyFromBytes(Buffer.alloc(32, 4)));

describeEngines('transitions', (engine) => {
  let place: StorePlace;
  let store: Store;
  let clock = 1_000;

  beforeEach(async () => {
    place = await engine.place('transitions-');
    store = await place.open({ keyring, now: () => new Date(clock++) });
  });
  afterEach(async () => {
    await store.close();
    await place.remove();
  });

  /** A request with `n` valid records in chunks of 2. */
  async function request(n: number, config: Partial<RequestConfig> = {}): Promise<string> {
    const { id } = await store.createRequest({ inputKind: 'odk', config: { output: 'json', deliverytype: 'download', ...config } });
    await store.insertRecords(id, Array.from({ length: n }, (_, k) => ({ lineNo: k + 1, seq: k, chunk: Math.floor(k / 2), received: undefined, input: { vid: `v${k}` } })));
    return id;
  }

  async function answerAll(id: string) {
    for (let chunk = 0; chunk <= (await store.lastChunk(id)); chunk++) {
      const pending = await store.pendingRecords(id, chunk);
      await store.recordAnswers(id, pending.map((r) => ({ lineNo: r.lineNo, ok: true as const, vid: null, token: 't' })));
    }
  }

  test('a request goes new → ingesting → processing → delivering → done, and each step repeated is a no-op', async () => {
    const id = await request(0);
    expect(await store.beginIngest(id)).toMatchObject({ phase: 'ingesting', status: 'processing' });
    await store.insertRecords(id, [1, 2, 3].map((k) => ({ lineNo: k, seq: k - 1, chunk: Math.floor((k - 1) / 2), received: undefined, input: {} })));
    // A chunk count below the stored chunks (a restart with a larger chunk size) still covers them.
    expect(await store.endIngest(id, { chunkCount: 1 })).toMatchObject({ phase: 'processing', chunkCount: 2, lastError: null });
    expect(await store.beginIngest(id)).toMatchObject({ phase: 'processing' });
    expect(await store.endIngest(id, { chunkCount: 9, lastError: 'LATE' })).toMatchObject({ chunkCount: 2, lastError: null });

    expect(await store.beginDelivery(id)).toMatchObject({ phase: 'processing' }); // records still pending
    await answerAll(id);
    expect(await store.beginDelivery(id)).toMatchObject({ phase: 'delivering' });
    await store.writeOutput(id, ['[]']);
    expect(await store.outputWritten(id, 'processed')).toMatchObject({ status: 'processed', hasOutput: true });
    expect(await store.outputWritten(id, 'processed_with_errors')).toMatchObject({ status: 'processed' });
    expect(await store.outputFailed(id, 'error_creating_download_unknown_io_error')).toMatchObject({ status: 'processed', phase: 'delivering' });

    const done = await store.finish(id);
    expect(done).toMatchObject({ phase: 'done', status: 'processed' });
    expect(done.finishedAt).toBeInstanceOf(Date);
    expect((await store.finish(id)).finishedAt).toEqual(done.finishedAt);
    expect(await store.noteError(id, 'TOO_LATE')).toMatchObject({ lastError: null });
  });

  test('an input error is kept while ingesting and processing; an early end keeps its reason', async () => {
    const id = await request(3);
    expect(await store.noteError(id, 'TOO_EARLY')).toMatchObject({ lastError: null }); // still `new`
    await store.beginIngest(id);
    expect(await store.noteError(id, 'PARSER_SOURCE_ERROR')).toMatchObject({ lastError: 'PARSER_SOURCE_ERROR' });
    expect(await store.endIngest(id, { chunkCount: 0 })).toMatchObject({ phase: 'processing', chunkCount: 2, lastError: 'PARSER_SOURCE_ERROR' });

    // Given up before it began: straight from `new`, status `processing`, with the give-up's code.
    const other = await request(0);
    expect(await store.endIngest(other, { chunkCount: 0, lastError: 'ingest:TypeError' })).toMatchObject({
      phase: 'processing',
      status: 'processing',
      chunkCount: 0,
      lastError: 'ingest:TypeError',
    });
  });

  test('a written output that fails ends the request done with its status', async () => {
    const id = await request(0);
    await store.endIngest(id, { chunkCount: 0 });
    await store.beginDelivery(id);
    const failed = await store.outputFailed(id, 'error_creating_download_disk_space_error');
    expect(failed).toMatchObject({ phase: 'done', status: 'error_creating_download_disk_space_error', lastError: 'error_creating_download_disk_space_error', hasOutput: false });
    expect(failed.finishedAt).toBeInstanceOf(Date);
  });

  test('a callback is marked once: attempts counted, a later mark changes nothing', async () => {
    const ok = await request(0, { deliverytype: 'callback' });
    const bad = await request(0, { deliverytype: 'callback' });
    for (const id of [ok, bad]) {
      await store.endIngest(id, { chunkCount: 0 });
      await store.beginDelivery(id);
    }
    expect(await store.delivered(ok)).toMatchObject({ deliveryState: 'delivered', deliveryAttempts: 1 });
    expect(await store.deliveryFailed(ok, 'error_making_callback_request', 'CALLBACK_HTTP_STATUS')).toMatchObject({ deliveryState: 'delivered', deliveryAttempts: 1, lastError: null });
    expect(await store.deliveryFailed(bad, 'error_making_callback_request', 'CALLBACK_HTTP_STATUS')).toMatchObject({
      status: 'error_making_callback_request',
      deliveryState: 'failed',
      deliveryAttempts: 1,
      lastError: 'CALLBACK_HTTP_STATUS',
    });
    expect(await store.delivered(bad)).toMatchObject({ deliveryState: 'failed', deliveryAttempts: 1 });
  });

  test('an abandoned delivery: no output → the given status and stray files removed; an output stays, a pending callback is lost', async () => {
    const options = { statusWithoutOutput: 'error_creating_download_unknown_exception', lastError: 'deliver:X' } as const;
    const none = await request(0, { deliverytype: 'callback' });
    await store.endIngest(none, { chunkCount: 0 });
    await place.strayPart(none, 'output.json');
    expect(await store.abandonDelivery(none, options)).toMatchObject({ status: 'error_creating_download_unknown_exception', deliveryState: 'failed', lastError: 'deliver:X' });
    expect(await place.files()).toEqual([]);

    const written = async (deliverytype: 'download' | 'callback') => {
      const id = await request(0, { deliverytype });
      await store.endIngest(id, { chunkCount: 0 });
      await store.beginDelivery(id);
      await store.writeOutput(id, ['[]']);
      await store.outputWritten(id, 'processed_with_errors');
      return id;
    };
    expect(await store.abandonDelivery(await written('download'), options)).toMatchObject({ status: 'processed_with_errors', deliveryState: 'none', hasOutput: true });
    expect(await store.abandonDelivery(await written('callback'), options)).toMatchObject({ status: 'error_making_callback_request', deliveryState: 'failed' });
    // Another delivery ends with its own failure status.
    expect(await store.abandonDelivery(await written('websub' as 'callback'), { ...options, failureStatus: 'error_making_websub_request' })).toMatchObject({
      status: 'error_making_websub_request',
      deliveryState: 'failed',
    });

    await store.finish(none);
    expect(await store.abandonDelivery(none, { ...options, statusWithoutOutput: 'error_creating_download_disk_space_error' })).toMatchObject({
      status: 'error_creating_download_unknown_exception',
    });
  });

  test('an unknown request is STORE_NOT_FOUND', async () => {
    await expect(store.beginIngest(store.newRequestId())).rejects.toMatchObject({ code: 'STORE_NOT_FOUND' });
    await expect(store.finish(store.newRequestId())).rejects.toMatchObject({ code: 'STORE_NOT_FOUND' });
  });
});
