import { createServiceLogger, type Logger } from '@mts/service-kit';

export type { Logger };

/**
 * The worker's logger: JSON lines; jobs log through `logger.child({ requestId, jobId })`.
 * @example const log = createLogger({ level: 'info' }).child({ requestId, jobId });
 */
export function createLogger(options: { level?: string; silent?: boolean; stream?: NodeJS.WritableStream } = {}): Logger {
  return createServiceLogger({ ...options, service: 'worker' });
}
