import type { BackoffStrategy, JobWithId } from 'agenda';
import type { RequestStatus } from '@mts/store';
import type { WorkerContext } from '../context.js';
import { JOB } from '../queue.js';
import { deliveryFor } from '@mts/connectors';
import { onChunkFinished, scheduleRemaining } from './chunk-schedule.js';
import { downloadErrorStatus } from './deliver.js';

// A job that fails for good must still finish its request, with MTS's own statuses (spec §1), never a new one:
//   - process-chunk: the chunk's pending records become record status `error`, ATS-REQ-100 (MTS's "unknown
//     error"), and the chain goes on, so the request ends `processed_with_errors` with its output;
//   - ingest: the input ends where it stopped, as for unreadable input; the stored records go on;
//   - deliver, send-output: the request ends `done` with `error_creating_download_*` (no output) or
//     `error_making_callback_request` (output, callback not sent), its PII erased, so it expires by policy.
// Every step re-reads the store and is a no-op once done, so a repeat (or a re-run after a crash) is harmless.

/** The record error code of a record whose job gave up; the message names only our internal code. */
export const GAVE_UP_RECORD_CODE = 'ATS-REQ-100';

const REQUEST_JOBS: ReadonlySet<string> = new Set([JOB.ingest, JOB.chunk, JOB.deliver, JOB.send]);

/** What {@link giveUp} did, for the log. */
export type GiveUpOutcome =
  | { outcome: 'records-failed'; failed: number }
  | { outcome: 'input-ended'; chunkCount: number }
  | { outcome: 'request-ended'; status: RequestStatus }
  | { outcome: 'nothing-to-do' };

/** The job whose work is given up: its name and data (`{ requestId, chunk? }`). */
export interface GivenUpJob {
  name: string;
  data: unknown;
}

/** The error's code, else its class name, kept to code characters: nothing else from an error reaches the store. */
export function errorCode(error: unknown): string {
  const e = error as { code?: unknown; name?: unknown } | null | undefined;
  const raw = typeof e?.code === 'string' ? e.code : typeof e?.name === 'string' ? e.name : '';
  return /^[A-Za-z0-9_.:-]{1,64}$/.test(raw) ? raw : 'UNKNOWN';
}

/**
 * Finishes what a job that will not run again left undone (see the rules above). Idempotent.
 *
 * @example
 * ```ts
 * await giveUp(ctx, { name: 'process-chunk', data: { requestId, chunk: 3 } }, error);
 * ```
 */
export async function giveUp(ctx: WorkerContext, job: GivenUpJob, error: unknown): Promise<GiveUpOutcome> {
  const data = (job.data ?? {}) as { requestId?: unknown; chunk?: unknown };
  if (typeof data.requestId !== 'string') return { outcome: 'nothing-to-do' };
  const code = errorCode(error);
  if (job.name === JOB.chunk && typeof data.chunk === 'number') return giveUpChunk(ctx, data.requestId, data.chunk, code);
  if (job.name === JOB.ingest) return giveUpIngest(ctx, data.requestId, code);
  if (job.name === JOB.deliver || job.name === JOB.send) return giveUpDeliver(ctx, data.requestId, error, code, job.name);
  return { outcome: 'nothing-to-do' };
}

async function giveUpChunk(ctx: WorkerContext, requestId: string, chunk: number, code: string): Promise<GiveUpOutcome> {
  const req = await ctx.store.getRequest(requestId);
  if (!req || (req.phase !== 'ingesting' && req.phase !== 'processing')) return { outcome: 'nothing-to-do' };
  const { failed } = await ctx.store.failPendingRecords(requestId, { chunk, errorCode: GAVE_UP_RECORD_CODE, errorMessage: `internal error: ${code}` });
  await ctx.store.noteError(requestId, `${JOB.chunk}:${code}`);
  // As a finished chunk does: start chunk + K, or deliver when nothing is pending.
  await onChunkFinished(ctx, requestId, chunk);
  return { outcome: 'records-failed', failed };
}

async function giveUpIngest(ctx: WorkerContext, requestId: string, code: string): Promise<GiveUpOutcome> {
  const { store } = ctx;
  let req = await store.getRequest(requestId);
  if (!req) return { outcome: 'nothing-to-do' };
  if (req.phase === 'new' || req.phase === 'ingesting') {
    // As for unreadable input (ingest.ts): the input ends here and the records stored so far go on.
    req = await store.endIngest(requestId, { chunkCount: 0, lastError: `${JOB.ingest}:${code}` });
  }
  if (req.phase !== 'processing') return { outcome: 'nothing-to-do' };
  await scheduleRemaining(ctx, requestId);
  return { outcome: 'input-ended', chunkCount: req.chunkCount };
}

async function giveUpDeliver(ctx: WorkerContext, requestId: string, error: unknown, code: string, name: string): Promise<GiveUpOutcome> {
  const { store } = ctx;
  const req = await store.getRequest(requestId);
  if (!req || (req.phase !== 'processing' && req.phase !== 'delivering')) return { outcome: 'nothing-to-do' };
  // Normally none (deliver waits for every answer); any left would never be answered now.
  await store.failPendingRecords(requestId, { errorCode: GAVE_UP_RECORD_CODE, errorMessage: `internal error: ${code}` });
  // The store decides with the output in hand: without one, the download error; with one, a pending callback is lost.
  const ended = await store.abandonDelivery(requestId, {
    statusWithoutOutput: downloadErrorStatus(error),
    lastError: `${name}:${code}`,
    failureStatus: deliveryFor(req.deliverytype)?.failureStatus,
  });
  await store.erasePii(requestId);
  await store.finish(requestId);
  return { outcome: 'request-ended', status: ended.status };
}

/** One attempt of a request job, as the job processor sees it. */
export interface JobAttempt extends GivenUpJob {
  /** 1-based, counting this one: Agenda's `failCount` before it, plus one. */
  attempt: number;
}

/**
 * Runs one attempt of a job; when it fails and `backoff` allows no further attempt, gives the work up right here,
 * still under the job's lock, and the attempt ends without error. Agenda emits 'retry exhausted' without awaiting
 * its listeners and marks the job failed for good, so a give-up done only there would be lost if the worker died
 * midway; here the lock expires instead, the attempt runs again and gives up again. If giving up fails, the
 * original error is rethrown and Agenda's 'retry exhausted' goes to {@link createExhaustedHandler}.
 */
export async function runOrGiveUp(ctx: WorkerContext, job: JobAttempt, backoff: BackoffStrategy, run: () => Promise<unknown>): Promise<void> {
  try {
    await run();
  } catch (error) {
    const last = backoff({ attempt: job.attempt, error: error as Error, jobName: job.name, jobData: job.data }) === null;
    if (!last || !REQUEST_JOBS.has(job.name)) throw error;
    const code = errorCode(error);
    try {
      ctx.log.error('job gave up', { code, attempts: job.attempt, ...(await giveUp(ctx, job, error)) });
    } catch (giveUpError) {
      ctx.log.error('giving up failed', { code, giveUpCode: errorCode(giveUpError) });
      throw error;
    }
  }
}

/**
 * The listener for Agenda's `'retry exhausted'` (args: error, job): reached when giving up inside the last attempt
 * failed too, it tries once more and logs the codes. `idle()` resolves once none is running (await before closing).
 */
export function createExhaustedHandler(ctx: WorkerContext) {
  const running = new Set<Promise<void>>();
  return {
    onRetryExhausted(error: Error, job: JobWithId): void {
      const data = job.attrs.data as { requestId?: string } | undefined;
      const log = ctx.log.child({ requestId: data?.requestId, jobId: String(job.attrs._id), job: job.attrs.name });
      const code = errorCode(error);
      const attempt: Promise<void> = giveUp({ ...ctx, log }, { name: job.attrs.name, data }, error)
        .then((outcome) => void log.error('job failed for good; gave up', { code, ...outcome }))
        .catch((giveUpError: unknown) => void log.error('job failed for good; giving up failed', { code, giveUpCode: errorCode(giveUpError) }))
        .finally(() => running.delete(attempt));
      running.add(attempt);
    },
    async idle(): Promise<void> {
      await Promise.allSettled([...running]);
    },
  };
}
