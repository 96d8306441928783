import type { WorkerContext } from '../context.js';
import { enqueueOnce, JOB, type ChunkData, type DeliverData } from '../queue.js';

// Chunks start while the input is still being read, K at a time per request (K = chunksInFlightPerRequest):
// chunk c is due once it is fully stored and chunk c − K has nothing pending. Three places enqueue, each after its
// own write is committed, so whichever of two racing writers reads second sees the other's write:
//   - ingest, for each chunk a batch completes (`onChunksStored`);
//   - a finished chunk, for chunk c + K (`onChunkFinished`);
//   - the end of ingest and every restart of it, for everything left (`scheduleRemaining`).
// Enqueuing is idempotent, and a chunk job with nothing pending does nothing, so a repeat costs one job.

const enqueueChunk = (ctx: WorkerContext, requestId: string, chunk: number) =>
  enqueueOnce<ChunkData>(ctx.agenda, JOB.chunk, { requestId, chunk }, { requestId, chunk });

const enqueueDeliver = (ctx: WorkerContext, requestId: string) =>
  enqueueOnce<DeliverData>(ctx.agenda, JOB.deliver, { requestId }, { requestId });

/** Ingest stored every row of chunks `from`..`to`: starts those whose predecessor by K is done. */
export async function onChunksStored(ctx: WorkerContext, requestId: string, from: number, to: number): Promise<void> {
  const k = ctx.config.chunksInFlightPerRequest;
  for (let chunk = from; chunk <= to; chunk++) {
    // A chunk with nothing pending (all invalid, or done before a restart) needs no job; its successor by K is
    // started by this same rule when it is stored.
    if ((await ctx.store.countPending(requestId, chunk)) === 0) continue;
    if (chunk >= k && (await ctx.store.countPending(requestId, chunk - k)) > 0) continue;
    await enqueueChunk(ctx, requestId, chunk);
  }
}

/** A chunk has nothing pending: start chunk + K if it is fully stored, or deliver if the request is finished. */
export async function onChunkFinished(ctx: WorkerContext, requestId: string, chunk: number): Promise<void> {
  const req = await ctx.store.getRequest(requestId);
  if (!req) return;
  const next = chunk + ctx.config.chunksInFlightPerRequest;
  const ingested = req.phase !== 'new' && req.phase !== 'ingesting';
  // While ingest runs, a chunk is complete once a later chunk has rows.
  const stored = ingested ? next < req.chunkCount : (await ctx.store.lastChunk(requestId)) > next;
  if (stored) await enqueueChunk(ctx, requestId, next);
  // Asked after every chunk: an index probe, not a count of the request's pending records (O(N) per chunk).
  if (req.phase === 'processing' && !(await ctx.store.hasPending(requestId))) await enqueueDeliver(ctx, requestId);
}

/** Ingest is over (or was, before a restart): start every due chunk, or delivery when nothing is pending. */
export async function scheduleRemaining(ctx: WorkerContext, requestId: string): Promise<void> {
  const pending = await ctx.store.chunksWithPending(requestId);
  if (pending.length === 0) {
    await enqueueDeliver(ctx, requestId);
    return;
  }
  const k = ctx.config.chunksInFlightPerRequest;
  const waiting = new Set(pending);
  for (const chunk of pending) {
    if (chunk < k || !waiting.has(chunk - k)) await enqueueChunk(ctx, requestId, chunk);
  }
}
