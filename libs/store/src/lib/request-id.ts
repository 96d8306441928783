import { randomUUID } from 'node:crypto';
import { StoreError } from './errors.js';

/**
 * Makes an MTS-style request id: 36 characters, the 2-digit pod id followed by a uuid4 minus its first 2 characters.
 *
 * @example
 * ```ts
 * newRequestId('07'); // '07c1f0e2-…' (36 chars)
 * ```
 */
export function newRequestId(podId = '00'): string {
  if (!/^\d{2}$/.test(podId)) throw new StoreError('STORE_INVALID_OPTIONS', 'podId must be two digits');
  return podId + randomUUID().slice(2);
}

/** Whether a string has the shape of a request id (used to refuse path tricks before touching files). */
export function isRequestId(value: string): boolean {
  return /^\d{2}[0-9a-f]{6}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(value);
}
