import { describeEngines, type StorePlace } from '../../test/store-engines.js';
import { createKeyring, dataKeyFromBytes } from './data-key.js';
import type { Store } from './store.js';
import type { NewRecord } from './types.js';

const keyring = createKeyring(dataKeyFromBytes(Buffer.alloc(32, 7)));

describeEngines('the store', (engine) => {
  let place: StorePlace;
  let store: Store;

  beforeEach(async () => {
    place = await engine.place('store-');
    store = await place.open({ keyring, batchSize: 3 });
  });
  afterEach(async () => {
    await store.close();
    await place.remove();
  });

  function records(n: number, from = 0): NewRecord[] {
    return Array.from({ length: n }, (_, i) => {
      const k = from + i;
      return k % 4 === 3
        ? { lineNo: k + 2, seq: k, chunk: Math.floor(k / 5), received: { name: `Zorbelina${k}` }, invalid: { vid: null, code: 'ATS-REQ-009', message: 'no vid' } }
        : { lineNo: k + 2, seq: k, chunk: Math.floor(k / 5), received: { name: `Zorbelina${k}` }, input: { vid: `v${k}`, name: [{ language: 'eng', value: `Zorbelina${k}` }] } };
    });
  }

  test('a request moves through ingest, answers and erasure with exact counts', async () => {
    const req = await store.createRequest({ inputKind: 'odk', config: { output: 'csv', deliverytype: 'download', lang: 'eng' } });
    expect(req.id).toHaveLength(36);
    expect(req).toMatchObject({ status: 'submitted', phase: 'new', deliveryState: 'none' });
    expect(await store.getRequestConfig(req.id)).toEqual({ output: 'csv', deliverytype: 'download', lang: 'eng' });

    expect(await store.insertRecords(req.id, records(7))).toEqual({ inserted: 7, invalid: 1 });
    // Re-ingesting overlapping lines after a restart adds only the new ones.
    expect(await store.insertRecords(req.id, records(10).slice(4))).toEqual({ inserted: 3, invalid: 1 });
    expect((await store.getRequest(req.id))!.counts).toEqual({ total: 10, processed: 0, error: 0, invalid: 2 });

    const chunk0 = await store.pendingRecords(req.id, 0);
    expect(chunk0.map((r) => r.seq)).toEqual([0, 1, 2, 4]);
    expect(chunk0[0]!.input).toEqual({ vid: 'v0', name: [{ language: 'eng', value: 'Zorbelina0' }] });

    const answers = chunk0.map((r, i) =>
      i === 1
        ? { lineNo: r.lineNo, ok: false as const, vid: `v${r.seq}`, errorCode: 'IDA-DEA-001', errorMessage: 'mismatch' }
        : { lineNo: r.lineNo, ok: true as const, vid: `v${r.seq}`, token: `tok${r.seq}` },
    );
    expect(await store.recordAnswers(req.id, answers)).toEqual({ recorded: 4 });
    // A second answer to the same records is ignored: counts stay exact.
    expect(await store.recordAnswers(req.id, answers)).toEqual({ recorded: 0 });
    expect((await store.getRequest(req.id))!.counts).toEqual({ total: 10, processed: 3, error: 1, invalid: 2 });
    expect(await store.countPending(req.id)).toBe(4);
    expect([await store.countPending(req.id, 0), await store.countPending(req.id, 1)]).toEqual([0, 4]);
    expect(await store.chunksWithPending(req.id)).toEqual([1]);
    expect(await store.lastChunk(req.id)).toBe(1);

    const all = [];
    for await (const r of store.streamRecords(req.id, { pageSize: 4 })) all.push(r);
    expect(all.map((r) => r.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(all[0]!.output).toEqual({ vid: 'v0', status: 'processed', token: 'tok0', errorCode: null, errorMessage: null });
    expect(all[3]!.output).toMatchObject({ status: 'invalid', errorCode: 'ATS-REQ-009' });
    expect(all[5]!.output).toBeNull();

    await store.erasePii(req.id);
    const after = [];
    for await (const r of store.streamRecords(req.id)) after.push(r);
    expect(after.every((r) => r.received === null && r.output === null)).toBe(true);
    expect(after[1]).toMatchObject({ status: 'error', errorCode: 'IDA-DEA-001' });
    expect(await store.getRequestConfig(req.id)).toBeNull();
    expect((await store.getRequest(req.id))!.piiErasedAt).toBeInstanceOf(Date);
  });

  test('no submitted name is in the database in plaintext', async () => {
    const req = await store.createRequest({ inputKind: 'odk', config: { output: 'json', deliverytype: 'download' } });
    await store.insertRecords(req.id, records(20));
    await store.close();
    const bytes = await place.dump();
    expect(bytes.length).toBeGreaterThan(0);
    expect(bytes.includes('Zorbelina')).toBe(false);
    store = await place.open({ keyring });
    const first = (await store.pendingRecords(req.id, 0))[0]!;
    expect(first.input).toMatchObject({ vid: 'v0' });
  });

  test('a request keeps its caller; listRequests filters by caller and phase, newest first on request', async () => {
    await store.close();
    let t = Date.parse('2026-03-01T00:00:00Z');
    store = await place.open({ keyring, now: () => new Date((t += 1000)) });
    const config = { output: 'csv' as const, deliverytype: 'download' as const };
    const a1 = await store.createRequest({ inputKind: 'odk', config, caller: 'key:alpha' });
    const b1 = await store.createRequest({ inputKind: 'odk', config, caller: 'oidc:beta' });
    const a2 = await store.createRequest({ inputKind: 'odk', config, caller: 'key:alpha' });
    const anon = await store.createRequest({ inputKind: 'odk', config });
    expect(a1.caller).toBe('key:alpha');
    expect(anon.caller).toBeNull();
    expect((await store.getRequest(b1.id))!.caller).toBe('oidc:beta');
    const ids = (list: { id: string }[]) => list.map((r) => r.id);
    expect(ids(await store.listRequests({ caller: 'key:alpha', newestFirst: true }))).toEqual([a2.id, a1.id]);
    expect(ids(await store.listRequests({ caller: 'key:alpha' }))).toEqual([a1.id, a2.id]);
    expect(ids(await store.listRequests({ caller: 'key:alpha', limit: 1, newestFirst: true }))).toEqual([a2.id]);
    expect(ids(await store.listRequests({ caller: 'nobody' }))).toEqual([]);
    expect(ids(await store.listRequests({ newestFirst: true }))).toEqual([anon.id, a2.id, b1.id, a1.id]);
    await store.beginIngest(a1.id);
    expect(ids(await store.listRequests({ phase: ['new'], caller: 'key:alpha' }))).toEqual([a2.id]);
    expect(ids(await store.listRequests({ phase: [], caller: 'key:alpha' }))).toEqual([]);
  });
});
