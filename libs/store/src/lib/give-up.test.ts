import { describeEngines, type StorePlace } from '../../test/store-engines.js';
import { createKeyring, dataKeyFromBytes } from './data-key.js';
import type { Store } from './store.js';
import type { NewRecord, StoredRecord } from './types.js';

const keyring = createKeyring(dataKeyFromBytes(Buffer.alloc(32, 7)));
const GIVE_UP = { errorCode: 'ATS-REQ-100', errorMessage: 'internal error: STORE_DECRYPT_FAILED' };

describeEngines('giving up on records', (engine) => {
  let place: StorePlace;
  let store: Store;

  beforeEach(async () => {
    place = await engine.place('store-give-up-');
    // Pages of 3 rows, so failing a chunk of 5 takes more than one transaction.
    store = await place.open({ keyring, batchSize: 3 });
  });
  afterEach(async () => {
    await store.close();
    await place.remove();
  });

  // 15 records in chunks of 5; every 4th (k = 3, 7, 11) is invalid.
  function records(n: number): NewRecord[] {
    return Array.from({ length: n }, (_, k) =>
      k % 4 === 3
        ? { lineNo: k + 2, seq: k, chunk: Math.floor(k / 5), received: undefined, invalid: { vid: null, code: 'ATS-REQ-009', message: 'no vid' } }
        : { lineNo: k + 2, seq: k, chunk: Math.floor(k / 5), received: undefined, input: { vid: `v${k}` } },
    );
  }

  async function all(id: string): Promise<StoredRecord[]> {
    const out: StoredRecord[] = [];
    for await (const r of store.streamRecords(id)) out.push(r);
    return out;
  }

  test("a given-up chunk's pending records end as errors, counted once, answered and invalid ones untouched", async () => {
    const { id } = await store.createRequest({ inputKind: 'odk', config: { output: 'json', deliverytype: 'download' } });
    await store.insertRecords(id, records(15));
    // Chunk 1 (k = 5..9): two answered, one invalid, one whose input no longer opens, one plain pending.
    await store.recordAnswers(id, [
      { lineNo: 7, ok: true, vid: 'v5', token: 'tok5' },
      { lineNo: 8, ok: false, vid: 'v6', errorCode: 'IDA-DEA-001', errorMessage: 'mismatch' },
    ]);
    await engine.query(store, 'UPDATE records SET input_ct = ? WHERE request_id = ? AND line_no = ?', [Buffer.from('garbage'), id, 10]);

    expect(await store.failPendingRecords(id, { chunk: 1, ...GIVE_UP })).toEqual({ failed: 2 });
    expect((await store.getRequest(id))!.counts).toEqual({ total: 15, processed: 1, error: 3, invalid: 3 });
    expect([await store.countPending(id, 0), await store.countPending(id, 1), await store.countPending(id, 2)]).toEqual([4, 0, 4]);

    // Run again (a repeated give-up) and a late answer: nothing changes, nothing is counted twice.
    expect(await store.failPendingRecords(id, { chunk: 1, ...GIVE_UP })).toEqual({ failed: 0 });
    expect(await store.recordAnswers(id, [{ lineNo: 11, ok: true, vid: 'v9', token: 'late' }])).toEqual({ recorded: 0 });
    expect((await store.getRequest(id))!.counts).toEqual({ total: 15, processed: 1, error: 3, invalid: 3 });

    const rows = await all(id);
    expect(rows[5]!.output).toEqual({ vid: 'v5', status: 'processed', token: 'tok5', errorCode: null, errorMessage: null });
    expect(rows[6]!.output).toMatchObject({ status: 'error', errorCode: 'IDA-DEA-001', errorMessage: 'mismatch' });
    expect(rows[7]).toMatchObject({ status: 'invalid', errorCode: 'ATS-REQ-009' });
    // The vid comes from the stored input when it still opens, else it is null.
    expect(rows[8]).toMatchObject({ status: 'error', errorCode: 'ATS-REQ-100' });
    expect(rows[8]!.output).toEqual({ vid: null, status: 'error', token: null, ...GIVE_UP });
    expect(rows[9]!.output).toEqual({ vid: 'v9', status: 'error', token: null, ...GIVE_UP });
    expect(rows.filter((r) => r.chunk !== 1).every((r) => r.status === 'submitted' || r.status === 'invalid')).toBe(true);
  });

  test('without a chunk every pending record of the request ends, page by page, and the counts add up', async () => {
    const { id } = await store.createRequest({ inputKind: 'odk', config: { output: 'json', deliverytype: 'download' } });
    await store.insertRecords(id, records(15));
    await store.recordAnswers(id, [{ lineNo: 2, ok: true, vid: 'v0', token: 'tok0' }]);

    expect(await store.failPendingRecords(id, GIVE_UP)).toEqual({ failed: 11 });
    expect(await store.countPending(id)).toBe(0);
    const req = (await store.getRequest(id))!;
    expect(req.counts).toEqual({ total: 15, processed: 1, error: 11, invalid: 3 });
    expect(req.counts.processed + req.counts.error + req.counts.invalid).toBe(req.counts.total);
    expect(await store.failPendingRecords(id, GIVE_UP)).toEqual({ failed: 0 });
    expect(await store.failPendingRecords(store.newRequestId(), GIVE_UP)).toEqual({ failed: 0 });
  });
});
