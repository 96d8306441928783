import type { WorkerContext } from '../context.js';

/** `cleanup` (repeating): deletes finished requests older than the configured expiry, with their records and files. */
export async function runCleanup(ctx: WorkerContext): Promise<{ requests: number; files: number }> {
  const result = await ctx.store.cleanup({ expirySeconds: ctx.config.cleanup.expirySeconds });
  if (result.requests > 0) ctx.log.info('clean-up removed expired requests', result);
  return result;
}
