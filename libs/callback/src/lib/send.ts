import { pacedBody, startAttemptTimer, type AttemptTimer } from './attempt-timer.js';
import type { Authorizer } from './auth.js';
import type { PreparedBody } from './body.js';
import { CallbackError, retryableStatus } from './errors.js';
import { readOdooAnswer } from './odoo-answer.js';
import type { CallbackProperties, DeliverOptions, RecordDelivery } from './types.js';

/** Sent with every call when {@link DeliverOptions.idempotencyKey} is set (IETF draft-ietf-httpapi-idempotency-key-header). */
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';

const abortableSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/**
 * One call (one record, or the one bulk/csv body) with its retries: only a 2xx succeeds (with odoo, one without a
 * JSON-RPC error); a 401/403 with oauth/odoo, or Odoo's expired session, logs in again once without spending an
 * attempt; retryable failures back off (capped, with jitter). `timeoutMs` bounds each wait for the receiver (to
 * connect, to take the next piece of a streamed body, to answer), not a whole upload that keeps moving. Failures
 * come back as a not-ok RecordDelivery; only CALLBACK_INVALID_PROPERTIES and non-CallbackError exceptions are thrown.
 */
export async function sendWithRetries(
  props: CallbackProperties,
  auth: Authorizer,
  body: PreparedBody,
  key: string | number,
  idempotencyKey: string | undefined,
  options: DeliverOptions,
  ctx: { fetch: typeof fetch; timeoutMs: number },
): Promise<RecordDelivery> {
  const maxAttempts = Math.max(1, options.attempts ?? 4);
  const base = options.backoffBaseMs ?? 500;
  const cap = options.backoffMaxMs ?? 30_000;
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? abortableSleep;
  const method = (props.httpMethod ?? 'POST').toUpperCase();
  let reauthorised = false;
  let last: { status?: number; error: CallbackError } | null = null;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    if (options.signal?.aborted) return fail(key, attempt - 1, new CallbackError('CALLBACK_ABORTED', 'delivery aborted'), last?.status);
    let timer: AttemptTimer | undefined;
    try {
      // Headers is case-insensitive, so an extra `Authorization` (or `Idempotency-Key`) replaces ours instead of joining it.
      const headers = new Headers({ 'content-type': body.contentType, ...(await auth.headers()) });
      // The same key on every attempt and on a re-run after a crash, so the receiver can drop repeats.
      if (idempotencyKey !== undefined) headers.set(IDEMPOTENCY_HEADER, idempotencyKey);
      for (const [name, value] of Object.entries(props.extraHeaders ?? {})) headers.set(name, String(value));
      const hasBody = method !== 'GET' && method !== 'HEAD';
      const content = hasBody ? body.open() : undefined;
      // Started here, so a login made by auth.headers() above (with its own timeout) does not use up this call's.
      timer = startAttemptTimer(ctx.timeoutMs, options.signal);
      const res = await ctx
        .fetch(props.url, {
          method,
          headers,
          body: typeof content === 'object' && 'getReader' in content ? pacedBody(content, timer) : content,
          redirect: 'manual',
          signal: timer.signal,
          ...(hasBody ? { duplex: 'half' } : {}),
        } as RequestInit)
        .catch((err: Error) => {
          if (outboundDenied(err)) throw new CallbackError('CALLBACK_OUTBOUND_DENIED', 'the callback address is not allowed by the outbound policy', { cause: err });
          throw transportError(err);
        });
      timer.restart();
      // Odoo answers its refusals (an expired session included) with a 200 and a JSON-RPC error body.
      const refusal =
        props.authType === 'odoo'
          ? await readOdooAnswer(res).catch((err: Error) => {
              throw transportError(err);
            })
          : await discard(res);
      if (res.status >= 200 && res.status < 300 && !refusal) return { key, ok: true, status: res.status, attempts: attempt };
      const renewable = props.authType === 'oauth' || props.authType === 'odoo';
      const stale = refusal ? refusal.sessionExpired : renewable && (res.status === 401 || res.status === 403);
      if (stale && !reauthorised) {
        // A stale token or session: log in again once, without spending an attempt.
        reauthorised = true;
        auth.invalidate();
        attempt--;
        continue;
      }
      last = {
        status: res.status,
        error: refusal?.error ?? new CallbackError('CALLBACK_HTTP_STATUS', `callback answered HTTP ${res.status}`, { retryable: retryableStatus(res.status), status: res.status }),
      };
    } catch (err) {
      if (!(err instanceof CallbackError)) throw err;
      if (err.code === 'CALLBACK_INVALID_PROPERTIES') throw err;
      last = { status: err.status ?? last?.status, error: err };
    } finally {
      timer?.dispose();
    }
    if (!last.error.retryable || attempt === maxAttempts) return fail(key, attempt, last.error, last.status);
    await sleep(Math.min(cap, base * 2 ** (attempt - 1)) * (0.5 + random() / 2), options.signal);
  }
  return fail(key, maxAttempts, last?.error ?? new CallbackError('CALLBACK_TRANSPORT', 'not sent'), last?.status);
}

/** Reads nothing of the answer: its status is all that counts. */
async function discard(res: Response): Promise<null> {
  await res.body?.cancel().catch(() => {});
  return null;
}

function transportError(err: Error): CallbackError {
  const timeout = err?.name === 'TimeoutError';
  return new CallbackError(timeout ? 'CALLBACK_TIMEOUT' : 'CALLBACK_TRANSPORT', timeout ? 'callback timed out' : 'callback request failed', { retryable: true, cause: err });
}

function fail(key: string | number, attempts: number, error: CallbackError, status?: number): RecordDelivery {
  return { key, ok: false, attempts, status, errorCode: error.code, errorMessage: error.message, retryable: error.retryable };
}

/** A fetch refused by an outbound policy (code `OUTBOUND_DENIED` on the error or, through undici, on its cause). */
function outboundDenied(err: unknown): boolean {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | undefined;
  return e?.code === 'OUTBOUND_DENIED' || e?.cause?.code === 'OUTBOUND_DENIED';
}
