import type { PendingRecord } from '@mts/store';
import { createAnswerWriters, type AnswerWriters } from '../answer-writers.js';
import type { WorkerContext } from '../context.js';
import { answerFromResult, outcomeFromError, type CallOutcome } from '../ida-answer.js';
import { RetryLaterError, type ChunkData } from '../queue.js';
import { onChunkFinished } from './chunk-schedule.js';

interface AuthInputLike {
  vid?: unknown;
  [field: string]: unknown;
}

/** One pass over a chunk's pending records. */
interface Round {
  transient: number;
  code: string;
  inARow: number;
  /** After a few transient failures in a row IDA is taken as down: records not yet started wait for its return. */
  idaDown: boolean;
}

// Answers are written in batches as they arrive, so a kill loses (and later re-sends) only the last 100 ms of them.
const ANSWERS_FLUSH_EVERY = 100;
const ANSWERS_FLUSH_AFTER_MS = 100;
const DOWN_AFTER = 3;

/** The request-shared answer writers a worker keeps in its context (see answer-writers.ts). */
export function createChunkAnswerWriters(ctx: Pick<WorkerContext, 'store' | 'log'>): AnswerWriters {
  return createAnswerWriters({
    store: ctx.store,
    maxItems: ANSWERS_FLUSH_EVERY,
    maxDelayMs: ANSWERS_FLUSH_AFTER_MS,
    // The answers stay queued and go with the next write; an awaited flush fails the job if it fails too.
    onBackgroundError: (error) => ctx.log.warn('answers not written yet, kept for the next write', { code: (error as { code?: string })?.code }),
  });
}

/**
 * `process-chunk {requestId, chunk}`: sends the chunk's unanswered records to IDA through the shared fair
 * dispatcher and records each answer. A record whose answer is recorded is never read here again. If IDA is
 * unavailable the rest stay pending and the job throws RetryLaterError (Agenda retries with backoff). Resolves with
 * `recorded`, the answers it handed to the store, every one of them written by then.
 */
export async function runChunk(ctx: WorkerContext, data: ChunkData): Promise<{ recorded: number; transient: number }> {
  const { store, dispatcher, authenticator, log, metrics } = ctx;
  const { requestId, chunk } = data;
  const started = process.hrtime.bigint();
  const elapsed = () => Number(process.hrtime.bigint() - started) / 1e9;
  const req = await store.getRequest(requestId);
  // Chunks start while ingest still reads the input (see chunk-schedule.ts).
  if (!req || (req.phase !== 'processing' && req.phase !== 'ingesting')) return { recorded: 0, transient: 0 };

  // Shared with the request's other chunks in this process (a job run alone, in tests, gets its own).
  const answers = (ctx.answerWriters ?? createChunkAnswerWriters(ctx)).lease(requestId);
  let handedOver = 0;

  const call = async (record: PendingRecord, round: Round): Promise<CallOutcome | undefined> => {
    if (round.idaDown) return undefined;
    const { vid, ...demographics } = (record.input ?? {}) as AuthInputLike;
    const id = typeof vid === 'string' ? vid : null;
    const callStarted = process.hrtime.bigint();
    let outcome: CallOutcome;
    try {
      const result = await authenticator.authenticate({ individualId: id ?? '', demographics });
      outcome = { kind: 'answer', answer: answerFromResult(record.lineNo, id, result) };
    } catch (error) {
      outcome = outcomeFromError(record.lineNo, id, error);
    }
    metrics?.idaCall(outcome.kind === 'answer' ? 'answer' : 'unreachable', Number(process.hrtime.bigint() - callStarted) / 1e9);
    return outcome;
  };

  // A chunk that finds IDA down waits for the worker's IDA watch (a probe every few seconds) rather than the
  // queue's backoff, so it goes on within moments of IDA's return; past the budget it leaves it to the queue.
  const waitUntil = Date.now() + ctx.config.retryMaxMs;
  try {
    for (;;) {
      const pending = await store.pendingRecords(requestId, chunk);
      const round: Round = { transient: 0, code: '', inARow: 0, idaDown: false };
      await Promise.all(
        pending.map(async (record) => {
          const outcome = await dispatcher.submit(requestId, () => call(record, round));
          if (!outcome) {
            round.transient++;
            metrics?.record('retry');
            return;
          }
          if (outcome.kind === 'transient') {
            metrics?.record('retry');
            if (++round.inARow >= DOWN_AFTER) round.idaDown = true;
            round.transient++;
            round.code = outcome.code;
            return;
          }
          round.inARow = 0;
          ctx.idaWatch?.answered();
          if (outcome.answer.ok) metrics?.record('token');
          else {
            metrics?.record('ida_error');
            metrics?.idaError(outcome.answer.errorCode);
          }
          handedOver++;
          await answers.add(outcome.answer);
        }),
      );
      // The next round reads what is still pending from the store, so this round's answers go first.
      await answers.flush();
      if (round.transient === 0) break;
      const budget = waitUntil - Date.now();
      const back = round.idaDown && budget > 0 && ctx.idaWatch ? await ctx.idaWatch.waitForRecovery(budget) : false;
      if (!back) {
        const code = round.code || 'IDA_UNAVAILABLE';
        metrics?.chunk('retry', elapsed());
        throw new RetryLaterError(code, `${round.transient} records wait for IDA (${code})`);
      }
      log.info('IDA answers again; resending the chunk\'s pending records', { chunk });
    }
  } finally {
    // Whatever happened, the answers received are written (or the job fails and those records are sent again).
    await answers.release();
  }
  metrics?.chunk('done', elapsed());
  await onChunkFinished(ctx, requestId, chunk);
  return { recorded: handedOver, transient: 0 };
}
