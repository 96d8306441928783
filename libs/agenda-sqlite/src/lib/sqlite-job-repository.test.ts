import Database from 'better-sqlite3';
import { newJob, tempDir } from '../../test/helpers.js';
import { AgendaSqliteError } from './errors.js';
import { createSqliteBackend, type SqliteBackend } from './sqlite-backend.js';
import type { SqliteJobRepository } from './sqlite-job-repository.js';

const tmp = tempDir();
let backend: SqliteBackend;
let repo: SqliteJobRepository;
let n = 0;

beforeEach(async () => {
  backend = createSqliteBackend({ path: tmp.file(`repo-${n++}.db`) });
  await backend.connect();
  repo = backend.repository;
});
afterEach(() => backend.disconnect());
afterAll(() => tmp.cleanup());

const minutes = (m: number) => new Date(Date.now() + m * 60_000);

describe('save and read', () => {
  it('inserts a job with an id and reads it back with the same fields', async () => {
    const saved = await repo.saveJob(newJob('a', { data: { requestId: 'r1', n: 3 }, priority: 5, repeatInterval: 60000, skipDays: [0, 6] }), { lastModifiedBy: 'w1' });
    expect(saved._id).toMatch(/^[0-9a-f-]{36}$/);
    const read = await repo.getJobById(saved._id as string);
    expect(read).toMatchObject({ name: 'a', priority: 5, type: 'normal', data: { requestId: 'r1', n: 3 }, repeatInterval: 60000, skipDays: [0, 6], lastModifiedBy: 'w1', disabled: false });
    expect(read?.nextRunAt).toBeInstanceOf(Date);
    const startDate = new Date(Date.UTC(2026, 0, 1));
    const endDate = new Date(Date.UTC(2026, 11, 31));
    const cron = await repo.saveJob(newJob('cron', { type: 'single', repeatInterval: '0 3 * * *', repeatTimezone: 'Africa/Addis_Ababa', repeatAt: '3:30pm', startDate, endDate, fork: true }), undefined);
    expect(await repo.getJobById(cron._id as string)).toMatchObject({ repeatInterval: '0 3 * * *', repeatTimezone: 'Africa/Addis_Ababa', repeatAt: '3:30pm', startDate, endDate, fork: true, type: 'single' });
    expect(await repo.getJobById('missing')).toBeNull();
  });

  it('updates by id without erasing processor fields it was not given', async () => {
    const saved = await repo.saveJob(newJob('a'), undefined);
    await repo.saveJobState({ ...saved, failCount: 2, failReason: 'boom', failedAt: new Date() }, undefined);
    const updated = await repo.saveJob({ _id: saved._id, name: 'a', priority: 9, nextRunAt: null, type: 'normal', data: { x: 1 } }, undefined);
    expect(updated).toMatchObject({ priority: 9, nextRunAt: null, data: { x: 1 }, failCount: 2, failReason: 'boom' });
  });

  it('returns the job unchanged when updating one that was removed', async () => {
    const saved = await repo.saveJob(newJob('a'), undefined);
    await repo.removeJobs({ id: saved._id });
    const again = await repo.saveJob({ ...saved, priority: 3 }, undefined);
    expect(again.priority).toBe(3);
    expect(await repo.getJobById(saved._id as string)).toBeNull();
  });

  it('saveJobState writes processor fields and fails with JOB_NOT_FOUND for a missing job', async () => {
    const saved = await repo.saveJob(newJob('a'), undefined);
    const failedAt = new Date();
    await repo.saveJobState({ ...saved, lastRunAt: failedAt, failCount: 1, failReason: 'x', failedAt, progress: 40 }, undefined);
    expect(await repo.getJobById(saved._id as string)).toMatchObject({ failCount: 1, failReason: 'x', failedAt, progress: 40, lastRunAt: failedAt });
    await repo.removeJobs({ id: saved._id });
    await expect(repo.saveJobState(saved, undefined)).rejects.toMatchObject({ code: 'JOB_NOT_FOUND', retryable: false });
  });
});

describe('claiming', () => {
  it('claims due jobs earliest first, then by priority, and never a locked, future or disabled one', async () => {
    const early = await repo.saveJob(newJob('c', { nextRunAt: minutes(-10) }), undefined);
    const sameTime = minutes(-1);
    const lowNow = await repo.saveJob(newJob('c', { nextRunAt: sameTime, priority: 1 }), undefined);
    const highNow = await repo.saveJob(newJob('c', { nextRunAt: sameTime, priority: 10 }), undefined);
    await repo.saveJob(newJob('c', { nextRunAt: minutes(30) }), undefined);
    await repo.saveJob(newJob('c', { nextRunAt: minutes(-20), disabled: true }), undefined);
    await repo.saveJob(newJob('other', { nextRunAt: minutes(-20) }), undefined);
    const claim = () => repo.getNextJobToRun('c', new Date(), minutes(-10), undefined, { lastModifiedBy: 'w' });
    const ids = [(await claim())?._id, (await claim())?._id, (await claim())?._id];
    expect(ids).toEqual([early._id, highNow._id, lowNow._id]);
    expect(await claim()).toBeUndefined();
    expect((await repo.getJobById(early._id as string))?.lockedAt).toBeInstanceOf(Date);
  });

  it('re-claims a job whose lock is older than the deadline (a crashed worker)', async () => {
    const job = await repo.saveJob(newJob('c', { nextRunAt: minutes(-1) }), undefined);
    const first = await repo.getNextJobToRun('c', new Date(), minutes(-5), minutes(-6), undefined);
    expect(first?._id).toBe(job._id);
    // Locked 6 minutes ago; a 5-minute lock lifetime has run out.
    const second = await repo.getNextJobToRun('c', new Date(), minutes(-5), undefined, undefined);
    expect(second?._id).toBe(job._id);
    expect(await repo.getNextJobToRun('c', new Date(), minutes(-5), undefined, undefined)).toBeUndefined();
  });

  it('unlockJob leaves a job whose nextRunAt is null locked; unlockJobs frees all given', async () => {
    const a = await repo.saveJob(newJob('u', { nextRunAt: minutes(-1) }), undefined);
    const b = await repo.saveJob(newJob('u', { nextRunAt: minutes(-1) }), undefined);
    await repo.getNextJobToRun('u', new Date(), minutes(-5), undefined, undefined);
    await repo.getNextJobToRun('u', new Date(), minutes(-5), undefined, undefined);
    await repo.saveJobState({ ...(await repo.getJobById(a._id as string))!, nextRunAt: null }, undefined);
    await repo.unlockJob(a);
    await repo.unlockJob(b);
    expect((await repo.getJobById(a._id as string))?.lockedAt).toBeInstanceOf(Date);
    expect((await repo.getJobById(b._id as string))?.lockedAt).toBeUndefined();
    await repo.unlockJobs([a._id as string]);
    expect((await repo.getJobById(a._id as string))?.lockedAt).toBeUndefined();
  });

  it('lockJob locks only an unlocked job whose nextRunAt still matches', async () => {
    const job = await repo.saveJob(newJob('l', { nextRunAt: minutes(1) }), undefined);
    expect(await repo.lockJob({ ...job, nextRunAt: minutes(2) }, undefined)).toBeUndefined();
    expect((await repo.lockJob(job, undefined))?.lockedAt).toBeInstanceOf(Date);
    expect(await repo.lockJob(job, undefined)).toBeUndefined();
  });

  it('uses the partial claim index for due jobs', () => {
    const db = (backend as unknown as { connection: { db: import('better-sqlite3').Database } }).connection.db;
    const plan = db
      .prepare(`EXPLAIN QUERY PLAN SELECT id FROM agenda_jobs WHERE name = ? AND disabled = 0 AND locked_at IS NULL AND next_run_at <= ? ORDER BY next_run_at ASC, priority DESC LIMIT 1`)
      .all(['c', 0]) as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toContain('agenda_jobs_claim_idx');
  });
});

describe('selection, query and counts', () => {
  beforeEach(async () => {
    await repo.saveJob(newJob('chunk', { data: { requestId: 'r1', part: 1 }, nextRunAt: minutes(-1) }), undefined);
    await repo.saveJob(newJob('chunk', { data: { requestId: 'r1', part: 2 }, nextRunAt: minutes(5) }), undefined);
    await repo.saveJob(newJob('chunk', { data: { requestId: 'r2', part: 1 }, nextRunAt: minutes(-1) }), undefined);
    await repo.saveJob(newJob('deliver', { data: { requestId: 'r1', tags: ['a', 'b'] }, nextRunAt: null }), undefined);
  });

  it('removes, disables and enables by name, names, notNames and data containment', async () => {
    expect(await repo.removeJobs({})).toBe(0);
    expect(await repo.disableJobs({ data: { requestId: 'r1' } })).toBe(3);
    expect((await repo.queryJobs({ includeDisabled: false })).total).toBe(1);
    expect(await repo.enableJobs({ name: 'chunk', data: { requestId: 'r1', part: 2 } })).toBe(1);
    expect(await repo.removeJobs({ data: { tags: ['b'] } })).toBe(1);
    expect(await repo.removeJobs({ notNames: ['chunk'] })).toBe(0);
    expect(await repo.removeJobs({ names: ['chunk'], data: { requestId: 'r2' } })).toBe(1);
    expect(await repo.purgeAllJobs()).toBe(2);
  });

  it('queries with computed state, search, pagination and counts the due queue', async () => {
    expect(await repo.getDistinctJobNames()).toEqual(['chunk', 'deliver']);
    expect(await repo.getQueueSize()).toBe(2);
    const queued = await repo.queryJobs({ state: 'queued' });
    expect(queued.total).toBe(2);
    expect(queued.jobs.every((j) => j.state === 'queued')).toBe(true);
    const page = await repo.queryJobs({ name: 'chunk', sort: { nextRunAt: 'asc' }, skip: 1, limit: 1 });
    expect(page.total).toBe(3);
    expect(page.jobs).toHaveLength(1);
    expect((await repo.queryJobs({ search: 'DELIV' })).jobs.map((j) => j.name)).toEqual(['deliver']);
    expect((await repo.queryJobs({ search: '%' })).total).toBe(0);
    expect((await repo.queryJobs({ data: { part: 1 }, limit: 1 })).total).toBe(2);
    const overview = await repo.getJobsOverview();
    expect(overview.find((o) => o.name === 'chunk')).toMatchObject({ total: 3, queued: 2, scheduled: 1 });
  });
});

describe('connection', () => {
  it('rejects bad options and calls after disconnect with stable codes', async () => {
    expect(() => createSqliteBackend({})).toThrow(AgendaSqliteError);
    expect(() => createSqliteBackend({ path: 'x.db', tableName: 'jobs; DROP' })).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS' }));
    await backend.disconnect();
    await expect(repo.getQueueSize()).rejects.toMatchObject({ code: 'NOT_CONNECTED' });
  });

  it('creates the directory of the file, and fails to open with OPEN_FAILED', async () => {
    const nested = createSqliteBackend({ path: tmp.file('a/b/jobs.db') });
    await nested.connect();
    expect(nested.connected).toBe(true);
    await nested.disconnect();
    const blocked = createSqliteBackend({ path: tmp.file('a/b/jobs.db/not-a-dir.db') });
    await expect(blocked.connect()).rejects.toMatchObject({ code: 'OPEN_FAILED', retryable: false });
  });

  it('reports a write lock held too long by another connection as retryable DATABASE_BUSY', async () => {
    const file = tmp.file('busy.db');
    const impatient = createSqliteBackend({ path: file, busyTimeoutMs: 50 });
    await impatient.connect();
    const other = new Database(file);
    other.exec('BEGIN IMMEDIATE');
    try {
      await expect(impatient.repository.saveJob(newJob('x'), undefined)).rejects.toMatchObject({ code: 'DATABASE_BUSY', retryable: true });
      await expect(impatient.repository.getNextJobToRun('x', new Date(), new Date(0), undefined, undefined)).rejects.toMatchObject({ code: 'DATABASE_BUSY' });
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    expect((await impatient.repository.saveJob(newJob('x'), undefined))._id).toBeDefined();
    await impatient.disconnect();
  });

  it('works on a handle the caller owns and leaves it open on disconnect', async () => {
    const db = new Database(':memory:');
    const owned = createSqliteBackend({ database: db, tableName: 'jobs_custom' });
    expect(owned.ownsConnection).toBe(false);
    await owned.connect();
    await owned.repository.saveJob(newJob('x'), undefined);
    await owned.disconnect();
    expect(db.open).toBe(true);
    expect(db.prepare('SELECT COUNT(*) AS n FROM jobs_custom').get()).toEqual({ n: 1 });
    db.close();
    await expect(owned.connect()).rejects.toMatchObject({ code: 'NOT_CONNECTED' });
  });

  it('opens files in WAL mode with a busy timeout, and reopens after a disconnect', async () => {
    const db = (backend as unknown as { connection: { db: Database.Database } }).connection.db;
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    const saved = await repo.saveJob(newJob('x'), undefined);
    await backend.disconnect();
    expect(backend.connected).toBe(false);
    await backend.connect();
    expect((await repo.getJobById(saved._id as string))?.name).toBe('x');
  });
});
