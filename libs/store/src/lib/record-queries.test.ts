import { describeEngines, type StorePlace } from '../../test/store-engines.js';
import { createKeyring, dataKeyFromBytes } from './data-key.js';
import { bucketKey, INDEX_SLICE_SQL } from './duplicates.js';
import { anyPendingSql, ERASE_PAGE_END_SQL, ERASE_PAGE_SQL, pendingInChunkSql, pendingPageSql } from './record-queries.js';
import type { Store } from './store.js';
import type { NewRecord, RecordAnswer } from './types.js';

const keyring = createKeyring(dataKeyFromBytes(Buffer.alloc(32, 9)));

// The questions asked once per chunk or per page of a request: their answers, and that each is an index search
// (bounded by the rows it returns), not a walk over the request's records.
describeEngines('record queries that must not grow with the request', (engine) => {
  let place: StorePlace;
  let store: Store;

  beforeEach(async () => {
    place = await engine.place('record-queries-');
    store = await place.open({ keyring, batchSize: 3 });
  });
  afterEach(async () => {
    await store.close();
    await place.remove();
  });

  const records = (n: number): NewRecord[] =>
    Array.from({ length: n }, (_, k) => ({ lineNo: k + 2, seq: k, chunk: Math.floor(k / 10), received: { name: `Quennel${k}` }, input: { vid: `v${k}` } }));
  const answers = (lineNos: number[]): RecordAnswer[] => lineNos.map((lineNo) => ({ lineNo, ok: true, vid: `v${lineNo}`, token: `t${lineNo}` }));
  const newRequest = () => store.createRequest({ inputKind: 'odk', config: { output: 'csv', deliverytype: 'download' } });

  test('hasPending is true while any record waits, false once every one is answered or failed', async () => {
    const req = await newRequest();
    const other = await newRequest();
    expect(await store.hasPending(req.id)).toBe(false);
    await store.insertRecords(req.id, records(25));
    await store.insertRecords(other.id, records(5));
    expect(await store.hasPending(req.id)).toBe(true);
    // All but the last record answered: one is enough.
    await store.recordAnswers(req.id, answers(records(24).map((r) => r.lineNo)));
    expect(await store.hasPending(req.id)).toBe(true);
    expect(await store.countPending(req.id)).toBe(1);
    await store.failPendingRecords(req.id, { code: 'IDA_UNAVAILABLE' });
    expect(await store.hasPending(req.id)).toBe(false);
    // Another request's pending records are its own.
    expect(await store.hasPending(other.id)).toBe(true);
  });

  test('erasePii erases a request of many pages, page after page, and nothing of another request', async () => {
    // batchSize 3: pages of 30 rows, so 95 records take four.
    const req = await newRequest();
    const other = await newRequest();
    await store.insertRecords(req.id, records(95));
    await store.insertRecords(other.id, records(4));
    await store.recordAnswers(req.id, answers([2, 40, 96]));
    await store.erasePii(req.id);
    const held = await engine.query(
      store,
      'SELECT request_id, COUNT(*) AS n FROM records WHERE received_ct IS NOT NULL OR input_ct IS NOT NULL OR output_ct IS NOT NULL GROUP BY request_id',
    );
    expect(held.map((r) => [r.request_id, Number(r.n)])).toEqual([[other.id, 4]]);
    const rows = [];
    for await (const r of store.streamRecords(req.id)) rows.push(r);
    expect(rows).toHaveLength(95);
    expect(rows.filter((r) => r.status === 'processed').map((r) => r.lineNo)).toEqual([2, 40, 96]);
  });

  test('each query searches an index for its own rows', async () => {
    await store.close();
    store = await place.open({ keyring, batchSize: 500 });
    const req = await newRequest();
    await store.insertRecords(req.id, records(1000));
    await store.recordAnswers(req.id, answers(records(990).map((r) => r.lineNo)));
    const plan = async (sql: string, params: unknown[]) => {
      if (engine.name === 'sqlite') {
        return (await engine.query(store, `EXPLAIN QUERY PLAN ${sql}`, params)).map((r) => String(r.detail)).join('\n');
      }
      await engine.query(store, 'ANALYZE records');
      return (await engine.query(store, `EXPLAIN ${sql}`, params)).map((r) => String(r['QUERY PLAN'])).join('\n');
    };
    const anyPending = await plan(anyPendingSql(engine.name), [req.id]);
    expect(anyPending).toMatch(/idx_records_pending/);
    expect(anyPending).not.toMatch(/^SCAN records|Seq Scan/m);
    // A chunk's pending records: a seek to the chunk, never the request read in seq order (idx_records_seq).
    const inChunk = await plan(pendingInChunkSql(engine.name), [req.id, 99]);
    expect(inChunk).toMatch(engine.name === 'sqlite' ? /SEARCH records USING INDEX idx_records_pending \(request_id=\? AND chunk=\?\)/ : /idx_records_(pending|chunk)/);
    expect(inChunk).not.toMatch(/idx_records_seq|^SCAN records|Seq Scan/m);
    // A give-up's page: a seek in the pending index bounded by the page, never a sort of the request's pending records.
    for (const [sql, params] of [[pendingPageSql(engine.name, false), [req.id, 30]], [pendingPageSql(engine.name, true), [req.id, 99, 30]]] as const) {
      const p = await plan(sql, [...params]);
      expect(p).toMatch(engine.name === 'sqlite' ? /SEARCH records USING INDEX idx_records_pending \(request_id=\?( AND chunk=\?)?\)/ : /Index Scan using idx_records_pending/);
      expect(p).not.toMatch(/TEMP B-TREE|Sort|^SCAN records|Seq Scan/m);
    }
    // A bucket of the duplicate report: a seek to the request's bucket in the bucket index (migration 0007), never a
    // walk over the request's records; the old random-order digest index is gone.
    const bucket = await plan(INDEX_SLICE_SQL(engine.name), [req.id, bucketKey(3), bucketKey(40)]);
    if (engine.name === 'sqlite') expect(bucket).toMatch(/SEARCH records USING INDEX idx_records_token_bucket \(request_id=\? AND <expr>>\? AND <expr><\?\)/);
    else {
      // The bucket range is sought in the index (not filtered after a seek on request_id alone).
      expect(bucket).toMatch(/(Index Scan using|Bitmap Index Scan on) idx_records_token_bucket/);
      expect(bucket).toMatch(/Index Cond: .*substr\(encode\(token_digest, 'hex'::text\), 1, 2\) >=/);
      expect(bucket).not.toMatch(/Filter:.*substr/);
    }
    expect(bucket).not.toMatch(/idx_records_token[^_]|^SCAN records|Seq Scan/m);
    const indexes = engine.name === 'sqlite'
      ? await engine.query(store, "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'records'")
      : await engine.query(store, "SELECT indexname AS name FROM pg_indexes WHERE tablename = 'records' AND schemaname = current_schema()");
    expect(indexes.map((r) => r.name)).toContain('idx_records_token_bucket');
    expect(indexes.map((r) => r.name)).not.toContain('idx_records_token');
    // The erasure's page bounds come from the primary key's range after the last page, not from a scan.
    for (const [sql, params] of [[ERASE_PAGE_END_SQL, [req.id, 500, 30]], [ERASE_PAGE_SQL, [req.id, 500, 530]]] as const) {
      const p = await plan(sql, [...params]);
      expect(p).toMatch(engine.name === 'sqlite' ? /SEARCH records USING .*INDEX sqlite_autoindex_records_1 \(request_id=\? AND line_no>\?( AND line_no<\?)?\)/ : /Index (Only )?Scan using records_pkey/);
      expect(p).not.toMatch(/^SCAN records|Seq Scan/m);
    }
  }, 30_000);
});
