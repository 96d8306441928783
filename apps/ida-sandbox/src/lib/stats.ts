import type { AuthOutcome } from './process-auth.js';
import { rejectionItems } from './envelope.js';

/** Counters the sandbox keeps (also served as GET /sandbox/stats). Holds synthetic ids only. */
export interface SandboxStats {
  /** Every HTTP request to the auth endpoint. */
  requests: number;
  /** Requests that reached IDA processing (not rate-limited, not failed on purpose). */
  authCalls: number;
  /** authCalls per `individualId` as sent: proof that a client made no duplicate calls. */
  authCallsByIndividualId: Record<string, number>;
  /** Answers with authStatus true. */
  authSuccesses: number;
  /** IDA error codes returned, counted per item (MLC-007 wrappers included). */
  errorsByCode: Record<string, number>;
  injectedFailures: number;
  rateLimited: number;
  /** The most auth requests worked on at once, and the longest queue waiting for `maxConcurrent`'s slots. */
  peakConcurrent: number;
  peakQueued: number;
}

export function emptyStats(): SandboxStats {
  return {
    requests: 0, authCalls: 0, authCallsByIndividualId: {}, authSuccesses: 0, errorsByCode: {}, injectedFailures: 0,
    rateLimited: 0, peakConcurrent: 0, peakQueued: 0,
  };
}

export function recordOutcome(stats: SandboxStats, outcome: AuthOutcome): void {
  stats.authCalls++;
  if (outcome.individualId !== null) {
    stats.authCallsByIndividualId[outcome.individualId] = (stats.authCallsByIndividualId[outcome.individualId] ?? 0) + 1;
  }
  if (outcome.authStatus) stats.authSuccesses++;
  const items = outcome.rejection ? rejectionItems(outcome.rejection) : (outcome.errors ?? []);
  for (const i of items) stats.errorsByCode[i.errorCode] = (stats.errorsByCode[i.errorCode] ?? 0) + 1;
}
