import type { PendingRecord, RecordAnswer } from '@mts/store';
import type { WorkerContext } from '../context.js';
import { answerFromResult, outcomeFromError, type CallOutcome } from '../ida-answer.js';
import { RetryLaterError, type ChunkData } from '../queue.js';
import { onChunkFinished } from './chunk-schedule.js';

interface AuthInputLike {
  vid?: unknown;
  [field: string]: unknown;
}

// Answers are written in small batches as they arrive, so a kill loses (and later re-sends) only a few.
const FLUSH_EVERY = 25;
const FLUSH_AFTER_MS = 100;
const DOWN_AFTER = 3;

/**
 * `process-chunk {requestId, chunk}`: sends the chunk's unanswered records to IDA through the shared fair
 * dispatcher and records each answer. A record whose answer is recorded is never read here again. If IDA is
 * unavailable the rest stay pending and the job throws RetryLaterError (Agenda retries with backoff).
 */
export async function runChunk(ctx: WorkerContext, data: ChunkData): Promise<{ recorded: number; transient: number }> {
  const { store, dispatcher, authenticator } = ctx;
  const { requestId, chunk } = data;
  const req = await store.getRequest(requestId);
  // Chunks start while ingest still reads the input (see chunk-schedule.ts).
  if (!req || (req.phase !== 'processing' && req.phase !== 'ingesting')) return { recorded: 0, transient: 0 };

  const pending = await store.pendingRecords(requestId, chunk);
  let buffer: RecordAnswer[] = [];
  let timer: NodeJS.Timeout | undefined;
  let writes = Promise.resolve();
  let recorded = 0;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const answers = buffer;
    buffer = [];
    if (answers.length > 0) {
      writes = writes.then(async () => {
        recorded += (await store.recordAnswers(requestId, answers)).recorded;
      });
    }
    return writes;
  };

  let transient = 0;
  let transientCode = '';
  // After a few transient failures in a row IDA is taken as down: records not yet started are left for the
  // retry instead of hammering it. A flaky IDA (failures between answers) keeps being used.
  let inARow = 0;
  let idaDown = false;
  const call = async (record: PendingRecord): Promise<CallOutcome | undefined> => {
    if (idaDown) return undefined;
    const { vid, ...demographics } = (record.input ?? {}) as AuthInputLike;
    const id = typeof vid === 'string' ? vid : null;
    try {
      const result = await authenticator.authenticate({ individualId: id ?? '', demographics });
      return { kind: 'answer', answer: answerFromResult(record.lineNo, id, result) };
    } catch (error) {
      return outcomeFromError(record.lineNo, id, error);
    }
  };

  await Promise.all(
    pending.map(async (record) => {
      const outcome = await dispatcher.submit(requestId, () => call(record));
      if (!outcome) {
        transient++;
        return;
      }
      if (outcome.kind === 'transient') {
        if (++inARow >= DOWN_AFTER) idaDown = true;
        transient++;
        transientCode = outcome.code;
        return;
      }
      inARow = 0;
      buffer.push(outcome.answer);
      if (buffer.length >= FLUSH_EVERY) void flush();
      else if (!timer) timer = setTimeout(() => void flush(), FLUSH_AFTER_MS);
    }),
  );
  await flush();

  if (transient > 0) {
    throw new RetryLaterError(transientCode || 'IDA_UNAVAILABLE', `${transient} records wait for IDA (${transientCode || 'unavailable'})`);
  }
  await onChunkFinished(ctx, requestId, chunk);
  return { recorded, transient };
}
