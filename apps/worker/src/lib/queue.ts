import { Agenda, InMemoryNotificationChannel, type BackoffStrategy, type Job, type NotificationChannel } from 'agenda';
import { PostgresBackend } from '@agendajs/postgres-backend';
import { createSqliteBackend } from '@mts/agenda-sqlite';
import { clientWithConnectTimeout } from '@mts/store';
import type { WorkerConfig } from '../config.js';
import { SupervisorWakeChannel, type IpcPort } from './job-wake.js';
import { type LockClient, withSchemaLock } from './pg-schema-lock.js';

export const JOB = {
  ingest: 'ingest',
  chunk: 'process-chunk',
  deliver: 'deliver',
  send: 'send-output',
  cleanup: 'cleanup',
} as const;

export interface IngestData { requestId: string }
export interface ChunkData { requestId: string; chunk: number }
export interface DeliverData { requestId: string }

/** Thrown by a job that must run again later (IDA unavailable, work not ready): Agenda retries it with backoff. */
export class RetryLaterError extends Error {
  readonly code: string;
  readonly retryable = true;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'RetryLaterError';
    this.code = code;
  }
}

/**
 * Capped exponential backoff with full jitter in its upper half. Retryable failures (IDA down) retry for as long
 * as it takes, so nothing is lost; anything else gets a few attempts, then the job fails for good. Only the
 * non-retryable failures count towards that limit: `jobData.unexpectedFailures` when the job keeps it (see
 * {@link countUnexpectedFailure}), else every attempt.
 */
export function retryBackoff(baseMs: number, maxMs: number, maxUnexpected = 5): BackoffStrategy {
  return ({ attempt, error, jobData }) => {
    const retryable = (error as { retryable?: unknown }).retryable === true;
    const unexpected = (jobData as { unexpectedFailures?: number } | undefined)?.unexpectedFailures ?? attempt;
    if (!retryable && unexpected > maxUnexpected) return null;
    const capped = Math.min(maxMs, baseMs * 2 ** Math.min(30, attempt - 1));
    return Math.round(capped / 2 + Math.random() * (capped / 2));
  };
}

/** The configured job backend: SQLite in the data dir by default, PostgreSQL (its schema made under a lock) when configured. */
export function createQueueBackend(config: WorkerConfig) {
  const queue = config.queue;
  if (queue.backend === 'sqlite') return createSqliteBackend({ path: queue.path, tableName: queue.tableName });
  // In the store's schema when it has one of its own (the store made it): `search_path` on every pool connection.
  const inSchema = queue.schema !== undefined && queue.schema !== 'public';
  // A server that accepts and never answers must not hold a new connection (and the job waiting on it) for ever.
  // On each client (see @mts/store's clientWithConnectTimeout): the pool's own option would also fail waits for a free
  // connection.
  const poolConfig = { connectionString: queue.url, Client: clientWithConnectTimeout() };
  const backend = new PostgresBackend({
    poolConfig: inSchema ? { ...poolConfig, options: `-c search_path=${queue.schema}` } : poolConfig,
    tableName: queue.tableName,
  });
  return withSchemaLock(backend, inSchema ? `${queue.schema}.${queue.tableName}` : queue.tableName, {
    table: queue.tableName,
    afterSchema: createOnceIndex,
  });
}

/** The request jobs enqueued with {@link enqueueOnce}: at most one row per request (and chunk) in the queue. */
const ONCE_JOBS = [JOB.ingest, JOB.chunk, JOB.deliver, JOB.send] as const;

/**
 * A unique index that makes enqueueOnce atomic on PostgreSQL: Agenda's insert-only save there is a SELECT and then
 * an INSERT, so two processes enqueuing the same job at once both inserted it, and both copies ran (records sent to
 * IDA twice, a callback sent twice). With the index the second INSERT fails with 23505, which enqueueOnce takes as
 * "already enqueued". A table left with such duplicates by an older version gets the index once they are gone: the
 * unlocked copy of each pair is removed first (the work is idempotent), and if a pair is still running on both sides
 * the index is made at the next start.
 */
export async function createOnceIndex(client: LockClient, table: string): Promise<void> {
  const quoted = `"${table.replace(/"/g, '""')}"`;
  const index = `"${`${table}_mts_once_idx`.slice(0, 63).replace(/"/g, '""')}"`;
  const names = ONCE_JOBS.map((n) => `'${n}'`).join(', ');
  const key = (t: string) => `${t}.name, ${t}.data->>'requestId', COALESCE(${t}.data->>'chunk', '')`;
  const create = `CREATE UNIQUE INDEX IF NOT EXISTS ${index} ON ${quoted} (name, (data->>'requestId'), (COALESCE(data->>'chunk', ''))) WHERE name IN (${names})`;
  try {
    await client.query(create);
  } catch (error) {
    if ((error as { code?: unknown }).code !== '23505') throw error;
    await client.query(
      `DELETE FROM ${quoted} a USING ${quoted} b WHERE a.name IN (${names}) AND a.id <> b.id AND (${key('a')}) = (${key('b')})
         AND a.locked_at IS NULL AND (b.locked_at IS NOT NULL OR b.id < a.id)`,
    );
    await client.query(create).catch((again: unknown) => {
      if ((again as { code?: unknown }).code !== '23505') throw again;
    });
  }
}

/**
 * The notification channel of this process's queue, if any:
 * - a supervised child on SQLite: its supervisor's wake-ups (job-wake.ts), so each saved job goes to the child
 *   running the fewest jobs and a request's chunks spread evenly over the children;
 * - a lone process on SQLite: in memory, so the jobs it schedules start at once instead of at the next poll;
 * - PostgreSQL: the backend's own LISTEN/NOTIFY, which wakes every process on every host.
 */
export function createWakeChannel(config: WorkerConfig, port: IpcPort | undefined = process.send ? process : undefined) {
  if (config.queue.backend !== 'sqlite') return undefined;
  if (!config.supervised) return new InMemoryNotificationChannel();
  return port ? new SupervisorWakeChannel(port) : undefined;
}

/** The Agenda instance on the configured backend (see {@link createQueueBackend}), woken through `channel` if given. */
export function createQueue(config: WorkerConfig, channel?: NotificationChannel): Agenda {
  const backend = createQueueBackend(config);
  return new Agenda({
    backend,
    name: `worker-${process.pid}`,
    processEvery: Math.max(100, config.pollIntervalMs),
    defaultLockLifetime: config.lockLifetimeMs,
    maxConcurrency: 256,
    ...(channel ? { notificationChannel: channel } : {}),
  });
}

/**
 * Counts a non-retryable failure in the job's own data and saves it, so a job that waited out a long IDA outage
 * (retryable failures) still gets its full allowance of unexpected ones. Best effort: if the save fails, the
 * attempt count stands in for it.
 */
export async function countUnexpectedFailure(job: Job<unknown>, error: unknown): Promise<void> {
  if ((error as { retryable?: unknown })?.retryable === true) return;
  const data = job.attrs.data as { unexpectedFailures?: number } | undefined;
  if (!data || typeof data !== 'object') return;
  data.unexpectedFailures = (data.unexpectedFailures ?? 0) + 1;
  await job.save().catch(() => undefined);
}

/**
 * Saves a job unless one with the same identity already exists (running, waiting or done): enqueuing is
 * idempotent, so a step repeated after a crash never doubles the work.
 */
export async function enqueueOnce<T extends object>(agenda: Agenda, name: string, data: T, key: Record<string, unknown>): Promise<void> {
  const unique: Record<string, unknown> = { name };
  for (const [k, v] of Object.entries(key)) unique[`data.${k}`] = v;
  try {
    await agenda.create(name, data).unique(unique, { insertOnly: true }).save();
  } catch (error) {
    // PostgreSQL: another process inserted the same job between Agenda's check and its insert (see createOnceIndex).
    if (!isUniqueViolation(error)) throw error;
  }
}

function isUniqueViolation(error: unknown): boolean {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    if (e.code === '23505') return true;
  }
  return false;
}

/**
 * Keeps a running job's lock fresh while `fn` works, so a short lock lifetime only ever expires for a dead worker.
 * The interval is cleared whatever the outcome.
 */
export async function withHeartbeat<T>(job: Job<unknown>, lockLifetimeMs: number, fn: () => Promise<T>): Promise<T> {
  const timer = setInterval(() => void job.touch().catch(() => undefined), Math.max(250, lockLifetimeMs / 3));
  try {
    return await fn();
  } finally {
    clearInterval(timer);
  }
}
