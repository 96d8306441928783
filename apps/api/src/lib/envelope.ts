import type { Response } from 'express';
import { ApiError, httpStatusFor, type ErrorEntry } from './errors.js';

/** MTS's response envelope, byte for byte in field order. */
export interface ResponseEnvelope<T = unknown> {
  id: 'mosip.token.seeder';
  version: string;
  metadata: Record<string, never>;
  responsetime: string;
  errors: ErrorEntry[] | null;
  response: T | null;
}

/** `YYYY-MM-DDTHH:MM:SS.mmmZ`, computed for each response (MTS froze it at import: its bug 5). */
export function responseTime(now: Date = new Date()): string {
  return now.toISOString();
}

/**
 * Builds an envelope for one response.
 * @example envelope({ request_identifier: id }) // { id: 'mosip.token.seeder', version: '1.1.0', … }
 */
export function envelope<T>(
  response: T | null,
  errors: ErrorEntry[] | null = null,
  options: { version?: string; now?: Date } = {},
): ResponseEnvelope<T> {
  return {
    id: 'mosip.token.seeder',
    version: options.version ?? '1.1.0',
    metadata: {},
    responsetime: responseTime(options.now),
    errors,
    response,
  };
}

/** Sends a successful envelope with HTTP 200. */
export function sendOk<T>(res: Response, response: T, errors: ErrorEntry[] | null = null): void {
  res.status(200).json(envelope(response, errors));
}

/** Sends an {@link ApiError} as MTS does: its errors, a null response, the status from the one table. */
export function sendError(res: Response, error: ApiError, response: unknown = null): void {
  res.status(httpStatusFor(error.code, { schema: error.schema })).json(envelope(response, error.entries()));
}
