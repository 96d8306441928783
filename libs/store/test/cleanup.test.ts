import { createKeyring, dataKeyFromBytes, openStore } from '../src/index.js';
import { dataSourceOf } from '../src/lib/store.js';
import { describeEngines } from './store-engines.js';

const MIGRATIONS = ['Initial1764300000000', 'RecordDelivery1764400000000', 'Duplicates1764500000000', 'RequestFiles1764700000000', 'Caller1764800000000', 'PendingIndex1764900000000', 'TokenBuckets1765000000000'];

describeEngines('clean-up and migrations', (engine) => {
  test('clean-up deletes only finished requests past the expiry, with their rows and files', async () => {
    const place = await engine.place('cleanup-');
    let clock = new Date('2026-01-01T00:00:00Z');
    const store = await place.open({ keyring: createKeyring(dataKeyFromBytes(Buffer.alloc(32, 5))), now: () => clock });
    try {
      const make = async () => {
        const id = store.newRequestId();
        await store.saveInput(id, 'csv', ['x']);
        await store.createRequest({ id, inputKind: 'csv', config: { output: 'csv', deliverytype: 'download' } });
        await store.insertRecords(id, [{ lineNo: 2, seq: 0, chunk: 0, received: { a: 1 }, input: { vid: '1' } }]);
        return id;
      };
      const answer = (id: string) => store.recordAnswers(id, [{ lineNo: 2, ok: true, vid: '1', token: 't' }]);
      const oldDone = await make();
      const oldUnfinished = await make();
      const recentDone = await make();
      await store.beginIngest(oldDone);
      await store.endIngest(oldDone, { chunkCount: 1 });
      await answer(oldDone);
      await store.beginDelivery(oldDone);
      await store.writeOutput(oldDone, ['y']);
      await store.outputWritten(oldDone, 'processed');
      await store.finish(oldDone);
      await store.beginIngest(oldUnfinished);
      clock = new Date('2026-01-01T05:00:00Z');
      await store.beginIngest(recentDone);
      await store.endIngest(recentDone, { chunkCount: 1 });
      await store.abandonDelivery(recentDone, { statusWithoutOutput: 'error_creating_download_unknown_exception', lastError: 'deliver:X' });
      await store.finish(recentDone);
      expect(await store.getRequest(recentDone)).toMatchObject({ phase: 'done', status: 'error_creating_download_unknown_exception' });
      const filesOf = async (id: string) => (await place.files()).filter((f) => f.startsWith(id));
      expect(await filesOf(oldDone)).toEqual([`${oldDone}.input.csv.enc`, `${oldDone}.output.csv.enc`]);

      clock = new Date('2026-01-01T06:00:01Z');
      const result = await store.cleanup({ expirySeconds: 6 * 3600 });
      expect(result).toEqual({ requests: 1, files: 2 });
      expect(await store.getRequest(oldDone)).toBeNull();
      expect(await filesOf(oldDone)).toEqual([]);
      expect(await store.getRequest(oldUnfinished)).not.toBeNull();
      expect(await filesOf(oldUnfinished)).toEqual([`${oldUnfinished}.input.csv.enc`]);
      expect(await store.getRequest(recentDone)).not.toBeNull();
      const rows = await engine.query(store, 'SELECT request_id FROM records');
      expect(rows.map((r) => r.request_id).sort()).toEqual([oldUnfinished, recentDone].sort());
    } finally {
      await store.close();
      await place.remove();
    }
  });

  test('an input whose request was never created and a half-written file go once a day old, whatever the expiry; a live request keeps its input', async () => {
    const place = await engine.place('cleanup-stale-');
    const store = await place.open({ keyring: createKeyring(dataKeyFromBytes(Buffer.alloc(32, 5))) });
    try {
      const orphan = store.newRequestId(); // the API saved the upload, then died before creating the request
      await store.saveInput(orphan, 'ndjson', ['{"vid":"1"}\n']);
      const live = store.newRequestId();
      await store.saveInput(live, 'csv', ['vid\n1\n']);
      await store.createRequest({ id: live, inputKind: 'csv', config: { output: 'csv', deliverytype: 'download' } });
      const before = await place.files();
      expect(before).toHaveLength(2);
      // Within the day nothing goes, even with expiry 0: an upload or a write may be under way.
      expect(await store.cleanup({ expirySeconds: 0, now: new Date(Date.now() + 3600 * 1000) })).toEqual({ requests: 0, files: 0 });
      expect(await place.files()).toEqual(before);

      await place.strayPart(store.newRequestId(), 'input.csv'); // an upload killed midway, long ago
      await place.strayPart(live, 'output.csv'); // an output write killed midway, long ago
      expect(await store.cleanup({ expirySeconds: 0, now: new Date(Date.now() + 3600 * 1000) })).toEqual({ requests: 0, files: 2 });
      expect((await place.files()).sort()).toEqual(before);
      expect(await store.cleanup({ expirySeconds: 0, now: new Date(Date.now() + 25 * 3600 * 1000) })).toEqual({ requests: 0, files: 1 });
      expect(await place.files()).toEqual([`${live}.input.csv.enc`]);
      expect(await store.getRequest(live)).toMatchObject({ phase: 'new' });
    } finally {
      await store.close();
      await place.remove();
    }
  });

  test('migrations run once and a second process opening the same database finds them applied', async () => {
    const place = await engine.place('migrate-');
    const keyring = createKeyring(dataKeyFromBytes(Buffer.alloc(32, 6)));
    try {
      const [a, b] = await Promise.all([place.open({ keyring }), place.open({ keyring })]);
      const req = await a.createRequest({ inputKind: 'odk', config: { output: 'json', deliverytype: 'download' } });
      expect((await b.getRequest(req.id))?.status).toBe('submitted');
      const migrations = await dataSourceOf(b).query('SELECT name FROM migrations ORDER BY id');
      expect(migrations.map((m: { name: string }) => m.name)).toEqual(MIGRATIONS);
      if (engine.name === 'sqlite') {
        const [{ journal_mode }] = await dataSourceOf(a).query('PRAGMA journal_mode');
        expect(journal_mode).toBe('wal');
      }
      await a.close();
      await b.close();
    } finally {
      await place.remove();
    }
  });
});

test('openStore refuses a bad PostgreSQL url, schema or pool size with STORE_INVALID_OPTIONS before connecting', async () => {
  const keyring = createKeyring(dataKeyFromBytes(Buffer.alloc(32, 6)));
  await expect(openStore({ url: 'mysql://x@y/z', keyring })).rejects.toMatchObject({ code: 'STORE_INVALID_OPTIONS' });
  await expect(openStore({ url: 'postgres://x@127.0.0.1:1/z', schema: 'Bad-Name', keyring })).rejects.toMatchObject({ code: 'STORE_INVALID_OPTIONS' });
  await expect(openStore({ url: 'postgres://x@127.0.0.1:1/z', poolSize: 1, keyring })).rejects.toMatchObject({ code: 'STORE_INVALID_OPTIONS' });
});

test('an unreachable PostgreSQL is STORE_UNAVAILABLE, retryable', async () => {
  const keyring = createKeyring(dataKeyFromBytes(Buffer.alloc(32, 6)));
  await expect(openStore({ url: 'postgres://x@127.0.0.1:1/z', keyring })).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', retryable: true });
});
