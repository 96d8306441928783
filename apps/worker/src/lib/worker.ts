import type { JobWithId } from 'agenda';
import { createAuthenticator, type AttemptReport } from '@mts/authenticator';
import { dataKeyAdvice, loadOrCreateDataKey, openStore } from '@mts/store';
import { storeTarget } from '@mts/service-kit';
import type { DeliverOptions } from '@mts/callback';
import { createGuardedFetch, DELIVERIES } from '@mts/connectors';
import type { WorkerConfig } from '../config.js';
import type { AuthenticatorLike, WorkerContext } from './context.js';
import { createFairDispatcher, type FairDispatcher } from './fair-dispatcher.js';
import { authenticatorProbe, createIdaWatch } from './ida-watch.js';
import { startIntake } from './intake.js';
import { runCleanup } from './jobs/cleanup.js';
import { runDeliver, runSend } from './jobs/deliver.js';
import { createExhaustedHandler, runOrGiveUp } from './jobs/give-up.js';
import { runIngest } from './jobs/ingest.js';
import { createChunkAnswerWriters, runChunk } from './jobs/process-chunk.js';
import { createLogger, type Logger } from './logger.js';
import { createMetricsRegistry, ensureProcessMetrics, opsHandlers, startOpsServer, tcpReachable, type MetricsRegistry, type OpsServer, type ReadinessCheck } from '@mts/service-kit';
import { createWorkerMetrics, watchIdaConcurrencyLimit, watchQueueDepth } from './metrics.js';
import { createConcurrencyLimiter, limiterSample } from './concurrency-limiter.js';
import { SupervisorWakeChannel } from './job-wake.js';
import { countUnexpectedFailure, createQueue, createWakeChannel, enqueueOnce, JOB, retryBackoff, withHeartbeat, type ChunkData, type DeliverData, type IngestData } from './queue.js';

/** Optional parts of {@link startWorker}; tests inject these, the launcher uses the defaults. */
export interface StartWorkerOptions {
  /** Default: `createAuthenticator(config.authenticator)`. */
  authenticator?: AuthenticatorLike;
  /** Options for callback delivery (attempts, backoff; tests shorten them). */
  callbackOptions?: DeliverOptions;
  /** Options per `deliverytype` (websub, sftp, …), merged over what every delivery gets (`fetch`, `outbound`). */
  deliveryOptions?: Readonly<Record<string, Record<string, unknown>>>;
  logger?: Logger;
  /** How long stop() waits for running jobs before releasing their locks (default 30 s). */
  drainTimeoutMs?: number;
  /**
   * Where the worker's metrics go; default a new registry. The API's, when both run in one process
   * (tools/scripts/service.mjs), so the API's /metrics has the worker's too.
   */
  metrics?: MetricsRegistry;
}

/** A running worker. */
export interface RunningWorker {
  /**
   * Starts a newly stored request now instead of at the next poll of the store (for an API in the same process);
   * idempotent, and never needed for correctness.
   */
  submitted(requestId: string): Promise<void>;
  /** The registry of the worker's metrics (the one passed in, or its own). */
  metrics: MetricsRegistry;
  /** The port of the health and metrics server, when `config.http` asks for one. */
  httpPort?: number;
  /** Stops taking jobs, lets running ones finish (up to the drain timeout), releases locks, closes everything. */
  stop(): Promise<void>;
}

/**
 * Starts the worker: Agenda jobs `ingest`, `process-chunk`, `deliver`, `cleanup` over the shared store.
 *
 * @example
 * ```ts
 * const worker = await startWorker(loadConfig(process.env));
 * process.once('SIGTERM', () => worker.stop().then(() => process.exit(0)));
 * ```
 */
export async function startWorker(config: WorkerConfig, options: StartWorkerOptions = {}): Promise<RunningWorker> {
  const log = options.logger ?? createLogger({ level: config.logLevel });
  const keyring = loadOrCreateDataKey({ dataKey: config.dataKey, keyFile: config.dataKeyFile, previousKeys: config.previousDataKeys, create: !config.dataKeyFileMustExist });
  const store = await openStore({ ...storeTarget(config), keyring, podId: config.podId });
  const advice = dataKeyAdvice({ dataKey: config.dataKey, keyFile: config.dataKeyFile, dataDir: config.dataDir });
  if (advice) log.warn(advice, { keyFile: config.dataKeyFile });
  const dispatcher = createFairDispatcher({ maxInFlight: config.idaConcurrency });
  const adaptive = config.idaConcurrencyMode === 'adaptive' ? adaptIdaConcurrency(config, dispatcher) : undefined;
  const authenticator =
    options.authenticator ?? (createAuthenticator({ ...config.authenticator, onAttempt: adaptive?.onAttempt }) as AuthenticatorLike);
  const wake = createWakeChannel(config);
  const agenda = createQueue(config, wake);
  // The supervisor wakes the child running the fewest jobs; only its own channel needs the count.
  const counted = wake instanceof SupervisorWakeChannel ? wake : undefined;
  const outboundFetch = createGuardedFetch(config.outbound);
  const registry = options.metrics ?? createMetricsRegistry();
  ensureProcessMetrics(registry);
  const ctx: WorkerContext = {
    config,
    store,
    agenda,
    authenticator,
    dispatcher,
    idaWatch: createIdaWatch({ probe: authenticatorProbe(authenticator), intervalMs: config.idaProbeIntervalMs }),
    log,
    metrics: createWorkerMetrics(registry),
    answerWriters: createChunkAnswerWriters({ store, log }),
    outboundFetch,
    // Injected callback settings (tests' fault-injecting fetch included) win over the guarded default.
    deliveryOptions: Object.fromEntries(
      DELIVERIES.map((d) => [
        d.deliverytype,
        {
          // Every delivery reaches caller-supplied addresses under the outbound policy: HTTP through the guarded
          // fetch, other transports (SFTP) by checking each address they resolve against `outbound`.
          fetch: outboundFetch,
          outbound: config.outbound,
          ...(d.deliverytype === 'callback' ? options.callbackOptions : undefined),
          ...options.deliveryOptions?.[d.deliverytype],
        },
      ]),
    ),
  };
  const backoff = retryBackoff(config.retryBaseMs, config.retryMaxMs);
  const define = <T>(name: string, concurrency: number, fn: (data: T, jobLog: Logger, attempt: number) => Promise<unknown>) =>
    agenda.define<T>(
      name,
      async (job) => {
        const data = job.attrs.data as T & { requestId?: string };
        const jobLog = log.child({ requestId: data?.requestId, jobId: String(job.attrs._id), job: name });
        // A last failed attempt gives its request's work up inside the attempt, under the lock (see give-up.ts).
        const attempt = { name, data, attempt: (job.attrs.failCount ?? 0) + 1 };
        const run = () =>
          fn(data, jobLog, attempt.attempt).catch(async (error: unknown) => {
            await countUnexpectedFailure(job as never, error);
            throw error;
          });
        counted?.jobStarted();
        try {
          await withHeartbeat(job as never, config.lockLifetimeMs, () => runOrGiveUp({ ...ctx, log: jobLog }, attempt, backoff, run));
        } finally {
          counted?.jobEnded();
        }
      },
      // Finished request jobs are removed so the job table stays small; enqueuing them again is harmless
      // because every job re-reads the store's state and does nothing when its work is already done.
      // lockLimit: a process claims no more jobs of a kind than it runs at once, and leaves the rest to the others
      // (a woken or polling process otherwise claims every due job, and holds those it cannot start yet).
      { concurrency, lockLimit: concurrency, lockLifetime: config.lockLifetimeMs, backoff, removeOnComplete: name !== JOB.cleanup },
    );

  define<IngestData>(JOB.ingest, 2, (d, l, attempt) => runIngest({ ...ctx, log: l }, d.requestId, attempt));
  define<ChunkData>(JOB.chunk, 64, (d, l) => runChunk({ ...ctx, log: l }, d));
  define<DeliverData>(JOB.deliver, 2, (d, l) => runDeliver({ ...ctx, log: l }, d.requestId));
  define<DeliverData>(JOB.send, 8, (d, l) => runSend({ ...ctx, log: l }, d.requestId));
  define<void>(JOB.cleanup, 1, (_d, l) => runCleanup({ ...ctx, log: l }));

  agenda.on('fail', (error: Error, job: JobWithId) => {
    const retryable = (error as { retryable?: boolean }).retryable === true;
    log.log(retryable ? 'info' : 'error', retryable ? 'job will retry' : 'job failed', {
      requestId: (job.attrs.data as { requestId?: string } | undefined)?.requestId,
      jobId: String(job.attrs._id),
      job: job.attrs.name,
      code: (error as { code?: string }).code ?? error.name,
    });
  });
  // Reached only when giving up inside the last attempt failed too: one more try, and the codes are logged.
  const exhausted = createExhaustedHandler(ctx);
  agenda.on('retry exhausted', exhausted.onRetryExhausted);
  agenda.on('error', (error: Error) => log.error('queue error', { code: (error as { code?: string }).code ?? error.name }));

  // Readiness: the store answers a query, the queue is started and its backend answers one, IDA accepts a TCP
  // connection (no authentication is sent: a probe every few seconds must not cost IDA a demographic match).
  let queueState: 'starting' | 'started' | 'stopping' = 'starting';
  const checks: ReadinessCheck[] = [
    { name: 'store', check: async () => void (await store.countRequestsByStatus()) },
    {
      name: 'queue',
      check: async () => {
        if (queueState !== 'started') throw Object.assign(new Error(queueState), { code: queueState === 'starting' ? 'QUEUE_NOT_STARTED' : 'QUEUE_STOPPING' });
        await agenda.getJobsOverview();
      },
    },
    { name: 'ida', check: () => tcpReachable(config.authenticator.idaAuthUrl) },
  ];
  // Listening before the queue starts, so a port already taken stops the start-up before any job is claimed.
  let ops: OpsServer | undefined;
  if (config.http) {
    try {
      ops = await startOpsServer({ ...config.http, handlers: opsHandlers({ registry, checks: () => checks }) });
    } catch (error) {
      await authenticator.close();
      await store.close();
      throw error;
    }
  }
  await agenda.start();
  queueState = 'started';
  const detachQueueDepth = watchQueueDepth(registry, agenda);
  // The steady limit: a probe of IDA's unloaded latency lowers the dispatcher's cap for a moment, not the limit.
  const detachLimit = watchIdaConcurrencyLimit(registry, () => adaptive?.steadyLimit ?? dispatcher.maxInFlight);
  const limitLog = adaptive ? setInterval(() => adaptive.log(log), LIMIT_LOG_INTERVAL_MS).unref() : undefined;
  if (config.cleanup.enabled) await agenda.every(`${config.cleanup.intervalSeconds} seconds`, JOB.cleanup);
  const intake = startIntake(ctx);
  // pid and process (a supervised child's number) tell the processes of one worker apart in its log.
  log.info('worker started', {
    queue: config.queue.backend,
    idaConcurrency: config.idaConcurrency,
    idaConcurrencyMode: config.idaConcurrencyMode,
    ...(adaptive ? { idaConcurrencyMin: config.idaConcurrencyMin, idaConcurrencyMax: config.idaConcurrencyMax } : {}),
    httpPort: ops?.port,
    pid: process.pid,
    process: config.supervised?.index,
  });

  let stopping: Promise<void> | undefined;
  return {
    async submitted(requestId) {
      await enqueueOnce<IngestData>(agenda, JOB.ingest, { requestId }, { requestId });
    },
    metrics: registry,
    httpPort: ops?.port,
    stop() {
      stopping ??= (async () => {
        queueState = 'stopping'; // readiness fails while draining
        await intake.stop();
        // Chunks waiting for IDA give their records back to the queue instead of holding up the drain.
        ctx.idaWatch?.close();
        // Other supervised children stop waking this one; drain() stops claiming, waits for running jobs, then
        // unlocks anything still held.
        counted?.leave();
        const result = await agenda.drain({ timeout: options.drainTimeoutMs ?? 30_000 });
        if (result.timedOut) log.warn('drain timed out; unfinished jobs were released', { running: result.running });
        await exhausted.idle();
        await authenticator.close();
        detachQueueDepth();
        detachLimit();
        clearInterval(limitLog);
        adaptive?.log(log);
        await ops?.close();
        await store.close();
        log.info('worker stopped');
      })();
      return stopping;
    },
  };
}

const LIMIT_LOG_INTERVAL_MS = 10_000;

/**
 * The adaptive limit: every HTTP attempt the authenticator reports feeds the limiter, whose limit becomes the
 * dispatcher's cap. `log` writes the limit when it changed since the last line (debug otherwise); no request data.
 */
function adaptIdaConcurrency(config: WorkerConfig, dispatcher: FairDispatcher) {
  const limiter = createConcurrencyLimiter({ initial: config.idaConcurrency, min: config.idaConcurrencyMin, max: config.idaConcurrencyMax });
  let logged = limiter.steadyLimit;
  return {
    get steadyLimit() {
      return limiter.steadyLimit;
    },
    onAttempt(report: AttemptReport): void {
      // Saturated: calls are waiting for a slot, so the limit (not the work) holds them back.
      const sample = limiterSample(report, dispatcher.queued() > 0, dispatcher.inFlight);
      if (sample) limiter.observe(sample);
      if (limiter.limit !== dispatcher.maxInFlight) dispatcher.setMaxInFlight(limiter.limit);
    },
    log(log: Logger): void {
      const fields = { idaConcurrencyLimit: limiter.steadyLimit, previous: logged, idaBaselineMs: roundMs(limiter.baselineMs) };
      log.log(limiter.steadyLimit === logged ? 'debug' : 'info', 'IDA concurrency limit', fields);
      logged = limiter.steadyLimit;
    },
  };
}

const roundMs = (ms: number | undefined) => (ms === undefined ? undefined : Math.round(ms * 10) / 10);
