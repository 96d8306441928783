// Many processes on one PostgreSQL: two stores (two pools, as two hosts would have) race the same transitions,
// record writes and clean-up; every outcome happens exactly once.
import { text } from 'node:stream/consumers';
import { requires } from '@mts/testing';
import { createKeyring, dataKeyFromBytes, type NewRecord, type Store } from '../src/index.js';
import { postgresEngine, type StorePlace } from './store-engines.js';

jest.setTimeout(60_000);
const keyring = createKeyring(dataKeyFromBytes(Buffer.alloc(32, 8)));
const N = 300;
const records: NewRecord[] = Array.from({ length: N }, (_, k) =>
  k % 10 === 9
    ? { lineNo: k + 1, seq: k, chunk: Math.floor(k / 50), received: { k }, invalid: { vid: null, code: 'ATS-REQ-009', message: 'no vid' } }
    : { lineNo: k + 1, seq: k, chunk: Math.floor(k / 50), received: { k }, input: { vid: `v${k}` } },
);
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

requires('postgres')('two stores on one PostgreSQL', () => {
  let place: StorePlace;
  let a: Store;
  let b: Store;
  beforeEach(async () => {
    place = await postgresEngine.place('concurrency-');
    // Different batch sizes, so the two processes' transactions overlap at different rows.
    [a, b] = await Promise.all([place.open({ keyring, batchSize: 7 }), place.open({ keyring, batchSize: 13 })]);
  });
  afterEach(async () => {
    await Promise.all([a.close(), b.close()]);
    await place.remove();
  });

  test('racing ingest, answers, give-ups and delivery marks count every record exactly once', async () => {
    const id = a.newRequestId();
    await a.saveInput(id, 'ndjson', ['{}\n']);
    await b.createRequest({ id, inputKind: 'ndjson', config: { output: 'json', deliverytype: 'callback' } });
    const begun = await Promise.all([a.beginIngest(id), b.beginIngest(id), a.beginIngest(id)]);
    expect(begun.map((r) => r.phase)).toEqual(['ingesting', 'ingesting', 'ingesting']);

    // Both processes ingest the same lines (a resumed ingest racing the original): each row goes in once.
    const inserted = await Promise.all([a.insertRecords(id, records), b.insertRecords(id, [...records].reverse()), a.insertRecords(id, records.slice(100, 200))]);
    expect(sum(inserted.map((r) => r.inserted))).toBe(N);
    expect(sum(inserted.map((r) => r.invalid))).toBe(N / 10);
    expect((await b.getRequest(id))!.counts).toEqual({ total: N, processed: 0, error: 0, invalid: N / 10 });
    expect(new Set((await Promise.all([a.endIngest(id, { chunkCount: 6 }), b.endIngest(id, { chunkCount: 1 })])).map((r) => r.chunkCount))).toEqual(new Set([6]));

    // Chunks 0-2: both answer every pending record. Chunk 3: one answers while the other gives up.
    const pending = (await Promise.all([0, 1, 2].map((c) => a.pendingRecords(id, c)))).flat();
    const answers = () => pending.map((r) => ({ lineNo: r.lineNo, ok: true as const, vid: null, token: `t${r.lineNo % 7}` }));
    const chunk3 = await b.pendingRecords(id, 3);
    const [ra, rb, r3, g3] = await Promise.all([
      a.recordAnswers(id, answers()),
      b.recordAnswers(id, answers()),
      a.recordAnswers(id, chunk3.map((r) => ({ lineNo: r.lineNo, ok: false as const, vid: null, errorCode: 'IDA-MLC-009', errorMessage: 'x' }))),
      b.failPendingRecords(id, { chunk: 3, errorCode: 'ATS-REQ-100', errorMessage: 'gave up' }),
    ]);
    expect(ra.recorded + rb.recorded).toBe(pending.length);
    expect(r3.recorded + g3.failed).toBe(chunk3.length);
    const gaveUp = await Promise.all([a.failPendingRecords(id, { errorCode: 'ATS-REQ-100', errorMessage: 'gave up' }), b.failPendingRecords(id, { errorCode: 'ATS-REQ-100', errorMessage: 'gave up' })]);
    const info = (await a.getRequest(id))!;
    expect(info.counts.processed).toBe(pending.length);
    expect(info.counts.error).toBe(chunk3.length + sum(gaveUp.map((g) => g.failed)));
    expect(info.counts.processed + info.counts.error + info.counts.invalid).toBe(N);
    expect(await b.countPending(id)).toBe(0);

    // Duplicates indexed by both at once: the same groups, each line once.
    const [ga, gb] = await Promise.all([a.indexDuplicates(id), b.indexDuplicates(id)]);
    expect(ga).toBe(gb);
    expect(ga).toBe(7);
    const lines: number[] = [];
    for await (const g of b.duplicateGroups(id)) lines.push(...g.lineNos);
    expect(new Set(lines).size).toBe(lines.length);
    expect(lines).toHaveLength(pending.length);

    // Delivery marks from both: each record delivered once.
    const outcomes = records.map((r) => ({ lineNo: r.lineNo, ok: true as const }));
    const marks = await Promise.all([a.recordDeliveries(id, outcomes), b.recordDeliveries(id, [...outcomes].reverse())]);
    expect(sum(marks.map((m) => m.delivered))).toBe(N);
    expect(await a.countUndelivered(id)).toBe(0);

    // Both begin delivery, both write the output, both mark the callback: one of each wins, once.
    await Promise.all([a.beginDelivery(id), b.beginDelivery(id)]);
    await Promise.all([a.writeOutput(id, ['from a\n'.repeat(20_000)]), b.writeOutput(id, ['from b\n'.repeat(20_000)])]);
    await Promise.all([a.outputWritten(id, 'processed_with_errors'), b.outputWritten(id, 'processed_with_errors')]);
    expect(['from a\n'.repeat(20_000), 'from b\n'.repeat(20_000)]).toContain(await text(await a.openOutput(id)));
    expect(await place.files()).toEqual([`${id}.input.ndjson.enc`, `${id}.output.json.enc`]);
    const marked = await Promise.all([a.delivered(id), b.delivered(id), a.delivered(id), b.deliveryFailed(id, 'error_making_callback_request', 'CALLBACK_TIMEOUT')]);
    expect(marked.every((r) => r.deliveryAttempts === 1)).toBe(true);
    expect((await a.getRequest(id))!.deliveryAttempts).toBe(1);

    // Two clean-ups at once: the request and its two files are removed and counted once.
    await Promise.all([a.finish(id), b.finish(id)]);
    const later = new Date(Date.now() + 60_000);
    const cleaned = await Promise.all([a.cleanup({ expirySeconds: 1, now: later }), b.cleanup({ expirySeconds: 1, now: later })]);
    expect(sum(cleaned.map((c) => c.requests))).toBe(1);
    expect(sum(cleaned.map((c) => c.files))).toBe(2);
    expect(await place.files()).toEqual([]);
    expect(await b.getRequest(id)).toBeNull();
  });

  test('transitions raced many times over move a request once', async () => {
    const { id } = await a.createRequest({ inputKind: 'odk', config: { output: 'json', deliverytype: 'callback' } });
    const both = <T>(fn: (s: Store) => Promise<T>) => Promise.all(Array.from({ length: 10 }, (_, i) => fn(i % 2 ? a : b)));
    await both((s) => s.beginIngest(id));
    await both((s) => s.endIngest(id, { chunkCount: 0 }));
    await both((s) => s.beginDelivery(id));
    const failed = await both((s) => s.deliveryFailed(id, 'error_making_callback_request', 'CALLBACK_HTTP_STATUS'));
    expect(failed.every((r) => r.deliveryAttempts === 1 && r.deliveryState === 'failed')).toBe(true);
    const finished = await both((s) => s.finish(id));
    expect(new Set(finished.map((r) => r.finishedAt?.getTime())).size).toBe(1);
  });
});
