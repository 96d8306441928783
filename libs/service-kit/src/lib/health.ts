import type { IncomingMessage, ServerResponse } from 'node:http';
import { connect } from 'node:net';
import type { MetricsRegistry } from './metrics.js';

/** One dependency checked by `GET /health/ready`: resolves when it is usable, rejects (or times out) when not. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

/** A check's result as `/health/ready` reports it: a code for a reason, never a message, stack or secret. */
export interface CheckResult {
  name: string;
  ok: boolean;
  reason?: string;
}

/**
 * Runs every check at once, each bounded by `timeoutMs`. A failure's reason is the error's `code` (or class name),
 * never its message: messages may carry a connection string or a path.
 * @example const results = await runChecks([{ name: 'store', check: () => store.ping() }]);
 */
export async function runChecks(checks: readonly ReadinessCheck[], timeoutMs = 2000): Promise<CheckResult[]> {
  return Promise.all(
    checks.map(async ({ name, check }): Promise<CheckResult> => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(Object.assign(new Error('timed out'), { code: 'TIMEOUT' })), timeoutMs);
      });
      try {
        await Promise.race([check(), timeout]);
        return { name, ok: true };
      } catch (error) {
        return { name, ok: false, reason: reasonOf(error) };
      } finally {
        clearTimeout(timer);
      }
    }),
  );
}

function reasonOf(error: unknown): string {
  const e = error as { code?: unknown; name?: unknown } | null;
  if (typeof e?.code === 'string' && /^[A-Za-z0-9_:.-]{1,64}$/.test(e.code)) return e.code;
  if (typeof e?.name === 'string' && /^[A-Za-z0-9_]{1,64}$/.test(e.name)) return e.name;
  return 'UNAVAILABLE';
}

/**
 * A cheap reachability check of an HTTP(S) service: a TCP connection to the URL's host and port, closed at once
 * (no request is sent, so IDA sees no authentication). Rejects with `ECONNREFUSED`, `ENOTFOUND`, `TIMEOUT`, ….
 * @example { name: 'ida', check: () => tcpReachable(config.authenticator.idaAuthUrl) }
 */
export function tcpReachable(url: string, timeoutMs = 1500): Promise<void> {
  const u = new URL(url);
  const port = Number(u.port || (u.protocol === 'https:' ? 443 : 80));
  const host = u.hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    socket.setTimeout(timeoutMs, () => {
      socket.destroy();
      reject(Object.assign(new Error('timed out'), { code: 'TIMEOUT' }));
    });
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('error', (error) => {
      socket.destroy();
      reject(error);
    });
  });
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** The three operator endpoints as plain Node handlers (usable by Express routes and a bare http server). */
export interface OpsHandlers {
  /** `GET /health/live`: the process answers: 200 `{"status":"ok"}`. */
  live: Handler;
  /** `GET /health/ready`: 200 `{"status":"ok","checks":[…]}`, or 503 `{"status":"fail","checks":[{name, ok, reason}]}`. */
  ready: Handler;
  /** `GET /metrics`: the registry in Prometheus text exposition format. */
  metrics: Handler;
}

/**
 * @example const ops = opsHandlers({ registry, checks: [{ name: 'store', check: () => store.countRequestsByStatus().then(() => undefined) }] });
 */
export function opsHandlers(options: { registry: MetricsRegistry; checks: () => readonly ReadinessCheck[]; timeoutMs?: number }): OpsHandlers {
  const send = (res: ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };
  return {
    live: (_req, res) => send(res, 200, { status: 'ok' }),
    ready: (_req, res) => {
      void runChecks(options.checks(), options.timeoutMs).then((checks) => {
        const ok = checks.every((c) => c.ok);
        send(res, ok ? 200 : 503, { status: ok ? 'ok' : 'fail', checks });
      });
    },
    metrics: (_req, res) => {
      options.registry.metrics().then(
        (text) => {
          res.writeHead(200, { 'content-type': options.registry.contentType, 'cache-control': 'no-store' });
          res.end(text);
        },
        () => send(res, 500, { status: 'fail' }),
      );
    },
  };
}

/** The paths of {@link OpsHandlers}, as served by both apps (never under the API's path prefix). */
export const OPS_PATHS = Object.freeze({ live: '/health/live', ready: '/health/ready', metrics: '/metrics' });
