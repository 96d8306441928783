import { type IdaErrorItem, IdaRejection, idaErrors } from './ida-errors.js';

/** What IDA puts in `id`/`version` of every response: from its config, never echoed from the request. */
export const RESPONSE_ID = 'mosip.identity.auth';
export const RESPONSE_VERSION = '1.0';

/** IDA's response time: UTC `yyyy-MM-dd'T'HH:mm:ss.SSS'Z'` (toISOString is exactly that for years 0–9999). */
export function formatResponseTime(d: Date): string {
  return d.toISOString();
}

/**
 * Serialises IDA's response envelope with its field order and explicit nulls.
 * @example buildEnvelope({ transactionID: '1234567890', now: new Date(), authStatus: true, authToken: '1…' })
 */
export function buildEnvelope(input: {
  transactionID: string | null;
  now: Date;
  authStatus: boolean;
  authToken?: string | null;
  errors?: IdaErrorItem[] | null;
}): string {
  const errors = input.errors && input.errors.length > 0 ? input.errors : null;
  // Built key by key so the order is IDA's (BaseAuthResponseDTO then AuthResponseDTO).
  return JSON.stringify({
    transactionID: input.transactionID,
    version: RESPONSE_VERSION,
    id: RESPONSE_ID,
    errors,
    responseTime: formatResponseTime(input.now),
    response: { authStatus: input.authStatus, authToken: input.authStatus ? (input.authToken ?? null) : null },
  });
}

/** The `errors` array IDA returns for a rejection: filter-stage errors are wrapped after IDA-MLC-007. */
export function rejectionItems(rejection: IdaRejection): IdaErrorItem[] {
  if (rejection.stage !== 'F') return rejection.items;
  const first = rejection.items[0];
  if (first?.errorCode === 'IDA-MLC-007') return rejection.items;
  return [idaErrors.unableToProcess(), ...rejection.items];
}
