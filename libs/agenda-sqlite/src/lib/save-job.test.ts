import { newJob, tempDir } from '../../test/helpers.js';
import { createSqliteBackend, type SqliteBackend } from './sqlite-backend.js';
import type { SqliteJobRepository } from './sqlite-job-repository.js';

const tmp = tempDir();
let backend: SqliteBackend;
let repo: SqliteJobRepository;
let n = 0;

beforeEach(async () => {
  backend = createSqliteBackend({ path: tmp.file(`save-${n++}.db`) });
  await backend.connect();
  repo = backend.repository;
});
afterEach(() => backend.disconnect());
afterAll(() => tmp.cleanup());

const at = (ms: number) => new Date(Date.now() + ms);

describe('single jobs (every)', () => {
  it('keeps one row per name and updates it in place', async () => {
    const first = await repo.saveJob(newJob('tick', { type: 'single', repeatInterval: '1 minute', nextRunAt: at(60_000) }), undefined);
    const second = await repo.saveJob(newJob('tick', { type: 'single', repeatInterval: '2 minutes', nextRunAt: at(120_000), data: { v: 2 } }), undefined);
    expect(second._id).toBe(first._id);
    expect(second).toMatchObject({ repeatInterval: '2 minutes', data: { v: 2 } });
    expect((await repo.queryJobs({ name: 'tick' })).total).toBe(1);
  });

  it('does not move an existing schedule when saved again with a due nextRunAt', async () => {
    const scheduled = at(60_000);
    await repo.saveJob(newJob('tick', { type: 'single', nextRunAt: scheduled }), undefined);
    const again = await repo.saveJob(newJob('tick', { type: 'single', nextRunAt: at(-1000) }), undefined);
    expect(again.nextRunAt?.getTime()).toBe(scheduled.getTime());
  });

  it('is enforced by the database too: a second single row for a name is refused', () => {
    const db = (backend as unknown as { connection: { db: import('better-sqlite3').Database } }).connection.db;
    const insert = db.prepare(`INSERT INTO agenda_jobs (id, name, type, created_at, updated_at) VALUES (?, 'tick', 'single', 0, 0)`);
    insert.run('one');
    expect(() => insert.run('two')).toThrow(/UNIQUE/);
  });
});

describe('unique jobs', () => {
  it('upserts on data paths and top-level fields', async () => {
    const a = await repo.saveJob(newJob('chunk', { data: { requestId: 'r1', part: 1, n: 1 }, unique: { 'data.requestId': 'r1', 'data.part': 1 } }), undefined);
    const b = await repo.saveJob(newJob('chunk', { data: { requestId: 'r1', part: 1, n: 2 }, unique: { 'data.requestId': 'r1', 'data.part': 1 } }), undefined);
    const c = await repo.saveJob(newJob('chunk', { data: { requestId: 'r1', part: 2, n: 1 }, unique: { 'data.requestId': 'r1', 'data.part': 2 } }), undefined);
    expect(b._id).toBe(a._id);
    expect(b.data).toEqual({ requestId: 'r1', part: 1, n: 2 });
    expect(c._id).not.toBe(a._id);
    const p = await repo.saveJob(newJob('prio', { priority: 7, unique: { priority: 7 } }), undefined);
    expect((await repo.saveJob(newJob('prio', { priority: 7, data: { x: 1 }, unique: { priority: 7 } }), undefined))._id).toBe(p._id);
  });

  it('treats a string and a number as different values, and nested paths as nested', async () => {
    const num = await repo.saveJob(newJob('k', { data: { a: { b: 1 } }, unique: { 'data.a.b': 1 } }), undefined);
    const str = await repo.saveJob(newJob('k', { data: { a: { b: '1' } }, unique: { 'data.a.b': '1' } }), undefined);
    expect(str._id).not.toBe(num._id);
    expect((await repo.saveJob(newJob('k', { data: { a: { b: 1 }, z: 1 }, unique: { 'data.a.b': 1 } }), undefined))._id).toBe(num._id);
  });

  it('insertOnly returns the existing job untouched', async () => {
    const first = await repo.saveJob(newJob('once', { data: { v: 1 }, unique: { 'data.key': undefined }, uniqueOpts: { insertOnly: true } }), undefined);
    const second = await repo.saveJob(newJob('once', { data: { v: 2 }, unique: { 'data.key': undefined }, uniqueOpts: { insertOnly: true } }), undefined);
    expect(second._id).toBe(first._id);
    expect(second.data).toEqual({ v: 1 });
  });

  it('indexes a unique key on first use, so each save is a lookup rather than a scan', async () => {
    const key = (chunk: number) => ({ name: 'chunk', 'data.requestId': 'r1', 'data.chunk': chunk });
    for (let chunk = 0; chunk < 3; chunk++) {
      await repo.saveJob(newJob('chunk', { data: { requestId: 'r1', chunk }, unique: key(chunk), uniqueOpts: { insertOnly: true } }), undefined);
    }
    const db = (backend as unknown as { connection: { db: import('better-sqlite3').Database } }).connection.db;
    const plan = db
      .prepare(`EXPLAIN QUERY PLAN SELECT * FROM agenda_jobs WHERE name = ? AND json_extract(data, '$."requestId"') = ? AND json_extract(data, '$."chunk"') = ?`)
      .all(['chunk', 'r1', 1]) as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/agenda_jobs_unique_[0-9a-f]{12}/);
    expect((await repo.queryJobs({ name: 'chunk' })).total).toBe(3);
  });

  it('keeps a quote in a unique key path inside its SQL literal', async () => {
    const unique = { "data.it's": "x' OR '1'='1" };
    const a = await repo.saveJob(newJob('q', { data: { "it's": "x' OR '1'='1" }, unique }), undefined);
    const b = await repo.saveJob(newJob('q', { data: { "it's": 'other' }, unique: { "data.it's": 'other' } }), undefined);
    expect(b._id).not.toBe(a._id);
    expect((await repo.saveJob(newJob('q', { data: { "it's": "x' OR '1'='1", v: 2 }, unique }), undefined))._id).toBe(a._id);
  });

  it('refuses unknown unique fields with INVALID_UNIQUE_FIELD', async () => {
    await expect(repo.saveJob(newJob('x', { unique: { 'bogus"; DROP': 1 } }), undefined)).rejects.toMatchObject({ code: 'INVALID_UNIQUE_FIELD' });
  });

  it('trailing debounce pushes nextRunAt out on each save, until maxWait forces a run', async () => {
    const opts = { unique: { 'data.key': 'k' }, uniqueOpts: { debounce: { delay: 60_000, maxWait: 50 } } };
    const first = await repo.saveJob(newJob('d', { data: { key: 'k' }, ...opts }), undefined);
    expect(first.nextRunAt!.getTime()).toBeGreaterThan(Date.now() + 50_000);
    expect(first.debounceStartedAt).toBeInstanceOf(Date);
    const second = await repo.saveJob(newJob('d', { data: { key: 'k' }, ...opts }), undefined);
    expect(second._id).toBe(first._id);
    expect(second.nextRunAt!.getTime()).toBeGreaterThanOrEqual(first.nextRunAt!.getTime());
    await new Promise((r) => setTimeout(r, 60));
    const forced = await repo.saveJob(newJob('d', { data: { key: 'k' }, ...opts }), undefined);
    expect(forced.nextRunAt!.getTime()).toBeLessThanOrEqual(Date.now());
    expect(forced.debounceStartedAt).toBeUndefined();
  });

  it('leading debounce runs the first save at once and keeps that time on later saves', async () => {
    const opts = { unique: { 'data.key': 'k' }, uniqueOpts: { debounce: { delay: 60_000, strategy: 'leading' as const } } };
    const now = new Date();
    const first = await repo.saveJob(newJob('d', { data: { key: 'k', v: 1 }, nextRunAt: now, ...opts }), undefined);
    const second = await repo.saveJob(newJob('d', { data: { key: 'k', v: 2 }, nextRunAt: at(5000), ...opts }), undefined);
    expect(first.nextRunAt?.getTime()).toBe(now.getTime());
    expect(second.nextRunAt?.getTime()).toBe(now.getTime());
    expect(second.data).toEqual({ key: 'k', v: 2 });
  });
});
