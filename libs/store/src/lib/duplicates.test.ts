// The duplicate report: records that received the same token, grouped by line number, never by token.
import { describeEngines, type StorePlace } from '../../test/store-engines.js';
import { createKeyring, dataKeyFromBytes } from './data-key.js';
import { BUCKETS, bucketKey, bucketRanges, TOKEN_BUCKET } from './duplicates.js';
import { TokenBuckets1765000000000 } from './migrations/0007-token-buckets.js';
import type { Store } from './store.js';

const keyring = createKeyring(dataKeyFromBytes(Buffer.alloc(32, 9)));

describeEngines('the duplicate report', (engine) => {
  let place: StorePlace;
  let store: Store;

  beforeEach(async () => {
    place = await engine.place('duplicates-');
    store = await place.open({ keyring, batchSize: 3 });
  });
  afterEach(async () => {
    await store.close();
    await place.remove();
  });

  /** A request whose record on line k+1 gets `tokens[k]` (null: an IDA error). */
  async function answered(tokens: readonly (string | null)[]): Promise<string> {
    const { id } = await store.createRequest({ inputKind: 'odk', config: { output: 'json', deliverytype: 'download' } });
    await store.insertRecords(id, tokens.map((_, k) => ({ lineNo: k + 1, seq: k, chunk: 0, received: undefined, input: { vid: `v${k}` } })));
    await store.recordAnswers(
      id,
      tokens.map((token, k) =>
        token === null
          ? { lineNo: k + 1, ok: false as const, vid: `v${k}`, errorCode: 'IDA-MLC-009', errorMessage: 'x' }
          : { lineNo: k + 1, ok: true as const, vid: `v${k}`, token },
      ),
    );
    return id;
  }

  async function groups(id: string, pageSize?: number) {
    const out: { group: number; lineNos: number[] }[] = [];
    for await (const g of store.duplicateGroups(id, pageSize ? { pageSize } : {})) out.push(g);
    return out;
  }

  test('groups the lines that share a token, ordered by first line; singles and errors are in no group', async () => {
    // Lines:            1     2     3     4     5     6    7     8     9     10
    const id = await answered(['tB', 'tA', 'tC', 'tA', 'tB', null, null, 'tA', 'tD', 'tB']);
    expect((await store.getRequest(id))!.duplicateGroups).toBeNull();
    expect(await store.indexDuplicates(id)).toBe(2);
    expect((await store.getRequest(id))!.duplicateGroups).toBe(2);
    const expected = [
      { group: 1, lineNos: [1, 5, 10] },
      { group: 2, lineNos: [2, 4, 8] },
    ];
    expect(await groups(id)).toEqual(expected);
    // Paged in pages smaller than a group, the same groups come back whole.
    expect(await groups(id, 2)).toEqual(expected);
    // A repeat (a deliver job re-run after a crash) changes nothing.
    expect(await store.indexDuplicates(id)).toBe(2);
    expect(await groups(id)).toEqual(expected);
  });

  test('a request without shared tokens has zero groups, and groups stay within their request', async () => {
    const a = await answered(['t1', 't2', 't3']);
    const b = await answered(['t1', 't9']);
    expect(await store.indexDuplicates(a)).toBe(0);
    expect(await store.indexDuplicates(b)).toBe(0);
    expect(await groups(a)).toEqual([]);
    await expect(store.indexDuplicates(store.newRequestId())).rejects.toMatchObject({ code: 'STORE_NOT_FOUND' });
  });

  test('the database keeps a keyed digest, never the token, and clean-up removes the groups', async () => {
    const token = 'TOKEN-7d1f0c93aa41';
    const id = await answered([token, token]);
    await store.indexDuplicates(id);
    await store.erasePii(id);
    // Still reported after the PII is erased (the output file stays until clean-up).
    expect(await groups(id)).toEqual([{ group: 1, lineNos: [1, 2] }]);
    await store.close();
    const bytes = await place.dump();
    expect(bytes.length).toBeGreaterThan(0);
    expect(bytes.includes(Buffer.from(token))).toBe(false);
    store = await place.open({ keyring });
    await store.endIngest(id, { chunkCount: 1 });
    await store.finish(id);
    expect((await store.cleanup({ expirySeconds: 0, now: new Date(Date.now() + 1000) })).requests).toBe(1);
    expect(await groups(id)).toEqual([]);
  });

  /** The groups as the report must give them, worked out here: lines sharing a token, groups in order of first line. */
  const expected = (tokens: readonly (string | null)[]) => {
    const byToken = new Map<string, number[]>();
    tokens.forEach((t, k) => t !== null && byToken.set(t, [...(byToken.get(t) ?? []), k + 1]));
    return [...byToken.values()].filter((l) => l.length > 1).sort((a, b) => a[0]! - b[0]!).map((lineNos, i) => ({ group: i + 1, lineNos }));
  };
  // 400 records; the 100 shared-* ones use 24 tokens, 4 or 5 records each: their digests fall in many of the buckets.
  const manyTokens = Array.from({ length: 400 }, (_, k) => (k % 37 === 5 ? null : k % 4 === 0 ? `shared-${k % 96}` : `own-${k}`));

  test('groups across the digest buckets match the groups worked out from the tokens', async () => {
    const id = await answered(manyTokens);
    const want = expected(manyTokens);
    expect(want.length).toBeGreaterThan(20);
    expect(await store.indexDuplicates(id)).toBe(want.length);
    expect(await groups(id, 7)).toEqual(want);
  });

  test("the engine's bucket of a digest is bucketKey of its first byte, for every byte (none is missed)", async () => {
    const digests = Array.from({ length: BUCKETS }, (_, k) => Buffer.concat([Buffer.from([k]), Buffer.alloc(15, 0xa7)]));
    const rows = await Promise.all(
      digests.map((d) => engine.query(store, `SELECT ${TOKEN_BUCKET[engine.name]} AS b FROM (SELECT ${engine.name === 'postgres' ? 'CAST(? AS BYTEA)' : '?'} AS token_digest) AS x`, [d])),
    );
    expect(rows.map((r) => r[0]!.b)).toEqual(digests.map((_, k) => bucketKey(k)));
  });

  test('a request of any size is indexed over slices that cover every bucket once, in order', () => {
    for (const answered of [0, 1, 1999, 2001, 50_000, 1_000_000, 5_000_000]) {
      const ranges = bucketRanges(answered);
      expect(ranges.length).toBe(Math.min(256, Math.max(1, Math.ceil(answered / 2000))));
      const covered = ranges.flatMap(([from, to]) => Array.from({ length: parseInt(to, 16) - parseInt(from, 16) + 1 }, (_, i) => parseInt(from, 16) + i));
      expect(covered).toEqual(Array.from({ length: 256 }, (_, k) => k));
    }
  });

  test('a store made before migration 0007 (random-order digest index, answers recorded) reports the same groups after it', async () => {
    const id = await answered(manyTokens);
    // Back to 0006: the old index, 0007 not recorded; the answers (and their digests) stay as recorded.
    await engine.query(store, 'DROP INDEX idx_records_token_bucket');
    await engine.query(store, 'CREATE INDEX idx_records_token ON records (request_id, token_digest) WHERE token_digest IS NOT NULL');
    await engine.query(store, "DELETE FROM migrations WHERE name = 'TokenBuckets1765000000000'");
    await store.close();
    // On PostgreSQL the index is built, and the old one dropped, CONCURRENTLY (the default waits for 10,000 records).
    const from = TokenBuckets1765000000000.concurrentlyFrom;
    TokenBuckets1765000000000.concurrentlyFrom = 2;
    try {
      store = await place.open({ keyring, batchSize: 3 });
    } finally {
      TokenBuckets1765000000000.concurrentlyFrom = from;
    }
    const names = (
      engine.name === 'sqlite'
        ? await engine.query(store, "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'records'")
        : await engine.query(store, "SELECT indexname AS name FROM pg_indexes WHERE tablename = 'records' AND schemaname = current_schema()")
    ).map((r) => r.name);
    expect(names).toContain('idx_records_token_bucket');
    expect(names).not.toContain('idx_records_token');
    if (engine.name === 'postgres') {
      const valid = await engine.query(
        store,
        `SELECT i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
         WHERE c.relname = 'idx_records_token_bucket' AND c.relnamespace = current_schema()::regnamespace`,
      );
      expect(valid).toEqual([{ valid: true }]);
    }
    expect(await store.indexDuplicates(id)).toBe(expected(manyTokens).length);
    expect(await groups(id)).toEqual(expected(manyTokens));
  }, 30_000);
});
