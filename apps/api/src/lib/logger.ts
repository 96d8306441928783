import { createServiceLogger, type Logger } from '@mts/service-kit';

export type { Logger };

/**
 * The API's logger: JSON lines, redacting headers, keys and identity fields; pass `silent` in tests.
 * @example const log = createLogger({ level: 'info' }); log.info('accepted', { requestId });
 */
export function createLogger(options: { level?: string; silent?: boolean; service?: string } = {}): Logger {
  return createServiceLogger({ ...options, service: options.service ?? 'api' });
}
