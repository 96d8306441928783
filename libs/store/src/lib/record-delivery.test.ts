import { describeEngines, type StorePlace } from '../../test/store-engines.js';
import { createKeyring, dataKeyFromBytes } from './data-key.js';
import { dataSourceOf, type Store } from './store.js';
import type { NewRecord } from './types.js';

const keyring = createKeyring(dataKeyFromBytes(Buffer.alloc(32, 5)));

describeEngines('per-record delivery marks', (engine) => {
  let place: StorePlace;
  let store: Store;
  let clock = 1_000;

  beforeEach(async () => {
    place = await engine.place('store-delivery-');
    // Pages and transactions of 3 rows, so 10 records take several of each.
    store = await place.open({ keyring, batchSize: 3, now: () => new Date(clock) });
  });
  afterEach(async () => {
    await store.close();
    await place.remove();
  });

  function records(n: number): NewRecord[] {
    return Array.from({ length: n }, (_, k) => ({ lineNo: k + 2, seq: k, chunk: 0, received: { k }, input: { vid: `v${k}` } }));
  }

  async function lines(iterable: AsyncIterable<{ lineNo: number }>): Promise<number[]> {
    const out: number[] = [];
    for await (const r of iterable) out.push(r.lineNo);
    return out;
  }

  async function newRequest(n: number): Promise<string> {
    const { id } = await store.createRequest({ inputKind: 'odk', config: { output: 'json', deliverytype: 'callback' } });
    await store.insertRecords(id, records(n));
    await store.recordAnswers(id, records(n).map((r) => ({ lineNo: r.lineNo, ok: true as const, vid: `v${r.seq}`, token: `t${r.seq}` })));
    return id;
  }

  test('only undelivered records stream; a delivered one is never changed again, a failed one keeps its code', async () => {
    const id = await newRequest(10);
    expect(await store.countUndelivered(id)).toBe(10);
    expect(await lines(store.streamUndelivered(id))).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);

    clock = 2_000;
    expect(
      await store.recordDeliveries(id, [
        { lineNo: 2, ok: true },
        { lineNo: 3, ok: true },
        { lineNo: 5, ok: false, errorCode: 'CALLBACK_HTTP_STATUS' },
        { lineNo: 9, ok: true },
      ]),
    ).toEqual({ delivered: 3, failed: 1 });
    expect(await store.countUndelivered(id)).toBe(7);
    expect(await lines(store.streamUndelivered(id))).toEqual([4, 5, 6, 7, 8, 10, 11]);

    // A repeat (a re-run re-sending a record whose mark was written) and a late failure change nothing.
    clock = 3_000;
    expect(await store.recordDeliveries(id, [{ lineNo: 2, ok: true }, { lineNo: 9, ok: false, errorCode: 'CALLBACK_TIMEOUT' }])).toEqual({ delivered: 0, failed: 0 });
    const rows = (await engine.query(store, 'SELECT line_no, delivered_at, delivery_error FROM records WHERE request_id = ? ORDER BY seq', [id])) as {
      line_no: number;
      delivered_at: number | null;
      delivery_error: string | null;
    }[];
    expect(rows.slice(0, 4)).toEqual([
      { line_no: 2, delivered_at: 2_000, delivery_error: null },
      { line_no: 3, delivered_at: 2_000, delivery_error: null },
      { line_no: 4, delivered_at: null, delivery_error: null },
      { line_no: 5, delivered_at: null, delivery_error: 'CALLBACK_HTTP_STATUS' },
    ]);
    expect(rows[7]).toEqual({ line_no: 9, delivered_at: 2_000, delivery_error: null });

    // The failed record delivered on a later try: its code goes.
    expect(await store.recordDeliveries(id, [{ lineNo: 5, ok: true }])).toEqual({ delivered: 1, failed: 0 });
    expect(await engine.query(store, 'SELECT delivery_error FROM records WHERE request_id = ? AND line_no = 5', [id])).toEqual([{ delivery_error: null }]);
  });

  test('marks written while the stream is read do not shift its pages, and decrypted records come with it', async () => {
    const id = await newRequest(10);
    const seen: { lineNo: number; token: string | null | undefined; received: unknown }[] = [];
    for await (const r of store.streamUndelivered(id, { received: false })) {
      seen.push({ lineNo: r.lineNo, token: r.output?.token, received: r.received });
      await store.recordDeliveries(id, [{ lineNo: r.lineNo, ok: true }]);
    }
    expect(seen.map((s) => s.lineNo)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(seen[4]).toEqual({ lineNo: 6, token: 't4', received: null });
    expect(await store.countUndelivered(id)).toBe(0);
    expect(await lines(store.streamUndelivered(id))).toEqual([]);
    // streamRecords still reads every record; marks are not PII and survive erasure.
    await store.erasePii(id);
    expect(await lines(store.streamRecords(id))).toHaveLength(10);
    expect(await store.countUndelivered(id)).toBe(0);
  });

  test('a batch longer than one transaction is marked whole, and an unknown request marks nothing', async () => {
    const id = await newRequest(10);
    const all = records(10).map((r) => ({ lineNo: r.lineNo, ok: true as const }));
    expect(await store.recordDeliveries(id, all)).toEqual({ delivered: 10, failed: 0 });
    expect(await store.recordDeliveries(store.newRequestId(), all)).toEqual({ delivered: 0, failed: 0 });
    expect(await store.recordDeliveries(id, [])).toEqual({ delivered: 0, failed: 0 });
  });

  test('migration 0002 upgrades a store made before it: existing records read as not delivered', async () => {
    const id = await newRequest(4);
    // Back to the 0001 schema, as a store from before this migration left it.
    const applied = async () => Number((await engine.query(store, 'SELECT COUNT(*) AS n FROM migrations'))[0]!.n);
    while ((await applied()) > 1) await dataSourceOf(store).undoLastMigration();
    await store.close();
    store = await place.open({ keyring, batchSize: 3 });
    expect(await store.countUndelivered(id)).toBe(4);
    expect(await store.recordDeliveries(id, [{ lineNo: 2, ok: true }])).toEqual({ delivered: 1, failed: 0 });
    expect(await lines(store.streamUndelivered(id))).toEqual([3, 4, 5]);
  });
});
