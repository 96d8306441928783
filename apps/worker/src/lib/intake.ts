import type { WorkerContext } from './context.js';
import { enqueueOnce, JOB, type IngestData } from './queue.js';

/**
 * Polls the store for requests the API stored (phase `new`) and enqueues their ingest job. The API needs no
 * queue of its own, and a request stored just before a crash is still picked up. Enqueuing is idempotent (a no-op
 * while the job exists), so requests mid-ingest are covered too, should their job ever be missing.
 */
export function startIntake(ctx: WorkerContext): { stop(): Promise<void> } {
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;

  const tick = async () => {
    try {
      for (const req of await ctx.store.listRequests({ phase: ['new', 'ingesting'], limit: 100 })) {
        await enqueueOnce<IngestData>(ctx.agenda, JOB.ingest, { requestId: req.id }, { requestId: req.id });
      }
    } catch (error) {
      ctx.log.warn('intake poll failed', { code: (error as { code?: string }).code ?? 'UNKNOWN' });
    }
  };
  const loop = () => {
    if (stopped) return;
    running = tick().finally(() => {
      if (!stopped) timer = setTimeout(loop, ctx.config.intakeIntervalMs);
    });
  };
  loop();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
