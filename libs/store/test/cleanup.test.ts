import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createTempDir } from '@mts/testing';
import { createKeyring, dataKeyFromBytes, openStore } from '../src/index.js';
import { dataSourceOf } from '../src/lib/store.js';

test('clean-up deletes only finished requests past the expiry, with their rows and files', async () => {
  const dir = await createTempDir('cleanup-');
  let clock = new Date('2026-01-01T00:00:00Z');
  const store = await openStore({
    path: join(dir.path, 'seeder.sqlite'),
    keyring: createKeyring(dataKeyFromBytes(Buffer.alloc(32, 5))),
    now: () => clock,
  });
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
    const filesOf = async (id: string) => (await readdir(join(dir.path, 'files'))).filter((f) => f.startsWith(id));
    expect(await filesOf(oldDone)).toEqual([`${oldDone}.input.csv.enc`, `${oldDone}.output.csv.enc`]);

    clock = new Date('2026-01-01T06:00:01Z');
    const result = await store.cleanup({ expirySeconds: 6 * 3600 });
    expect(result).toEqual({ requests: 1, files: 2 });
    expect(await store.getRequest(oldDone)).toBeNull();
    expect(await filesOf(oldDone)).toEqual([]);
    expect(await store.getRequest(oldUnfinished)).not.toBeNull();
    expect(await filesOf(oldUnfinished)).toEqual([`${oldUnfinished}.input.csv.enc`]);
    expect(await store.getRequest(recentDone)).not.toBeNull();
    const rows = await dataSourceOf(store).query('SELECT request_id FROM records');
    expect(rows.map((r: { request_id: string }) => r.request_id).sort()).toEqual([oldUnfinished, recentDone].sort());
  } finally {
    await store.close();
    await dir.remove();
  }
});

test('migrations run once and a second process opening the same file finds them applied', async () => {
  const dir = await createTempDir('migrate-');
  const keyring = createKeyring(dataKeyFromBytes(Buffer.alloc(32, 6)));
  const path = join(dir.path, 'seeder.sqlite');
  try {
    const [a, b] = await Promise.all([openStore({ path, keyring }), openStore({ path, keyring })]);
    const req = await a.createRequest({ inputKind: 'odk', config: { output: 'json', deliverytype: 'download' } });
    expect((await b.getRequest(req.id))?.status).toBe('submitted');
    const migrations = await dataSourceOf(b).query('SELECT name FROM migrations');
    expect(migrations.map((m: { name: string }) => m.name)).toEqual(['Initial1764300000000', 'RecordDelivery1764400000000', 'Duplicates1764500000000']);
    const [{ journal_mode }] = await dataSourceOf(a).query('PRAGMA journal_mode');
    expect(journal_mode).toBe('wal');
    await a.close();
    await b.close();
  } finally {
    await dir.remove();
  }
});
