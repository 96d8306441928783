import type { Agenda } from 'agenda';
import type { Store } from '@mts/store';
import type { WorkerConfig } from '../config.js';
import type { AnswerWriters } from './answer-writers.js';
import type { FairDispatcher } from './fair-dispatcher.js';
import type { AuthResultLike } from './ida-answer.js';
import type { IdaWatch } from './ida-watch.js';
import type { Logger } from './logger.js';
import type { WorkerMetrics } from './metrics.js';

/** The slice of `@mts/authenticator`'s Authenticator the worker uses (injectable in tests). */
export interface AuthenticatorLike {
  authenticate(req: { individualId: string; individualIdType?: 'UIN' | 'VID'; demographics: Record<string, unknown> }): Promise<AuthResultLike>;
  close(): Promise<void>;
}

/** Everything a job needs; built once by startWorker. */
export interface WorkerContext {
  config: WorkerConfig;
  store: Store;
  agenda: Agenda;
  authenticator: AuthenticatorLike;
  dispatcher: FairDispatcher;
  /** Wakes chunks that wait for IDA's return (absent in tests that run a job function alone). */
  idaWatch?: IdaWatch;
  log: Logger;
  /** Counters and histograms of /metrics (absent in tests that run a job function alone). */
  metrics?: WorkerMetrics;
  /** One answer writer per request, shared by its chunk jobs (absent in tests that run a job alone: one per job). */
  answerWriters?: AnswerWriters;
  /** The fetch for caller-supplied addresses (callbacks, pulled sources), under the outbound policy. */
  outboundFetch?: typeof fetch;
  /**
   * Settings per `deliverytype` handed to its delivery: always `fetch` (the guarded fetch) and `outbound` (the
   * policy, for transports other than HTTP), plus the delivery's own (the callback client's attempts, backoff).
   */
  deliveryOptions: Readonly<Record<string, Record<string, unknown> | undefined>>;
}
