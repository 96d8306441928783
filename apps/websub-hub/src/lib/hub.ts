import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { distribute, type StoredSubscription } from './distribute.js';
import { accepted, cookie, denied, isHttpUrl } from './forms.js';
import type { DistributionAttempt, RecordedPublish, RunningWebsubHub, WebsubHubOptions } from './types.js';
import { notifyDenied, verifyIntent } from './verify.js';

const FORM = 'application/x-www-form-urlencoded';
const PUBLISHER_MODES = new Set(['register', 'deregister', 'unregister', 'publish']);
const SUBSCRIBER_MODES = new Set(['subscribe', 'unsubscribe']);

class TooLarge extends Error {}

/**
 * Starts a WebSub hub stand-in at `/hub` (integrations §4): MOSIP's publisher form (register, deregister/unregister,
 * publish with the content as the body and mode/topic in the query or a form body), its replies (`hub.mode=accepted`,
 * `hub.mode=denied&hub.reason=…`, 200 even when denied), its `Authorization` cookie check, and W3C subscriptions
 * (async intent verification, leases, signed distribution with retries, 410 ends a subscription).
 *
 * @example
 * ```ts
 * const hub = await startWebsubHub({ retryDelayMs: 50 });
 * // websubProperties: { hubUrl: hub.url, topic: 'tokens' }
 * await hub.close();
 * ```
 */
export async function startWebsubHub(options: WebsubHubOptions = {}): Promise<RunningWebsubHub> {
  const now = options.now ?? Date.now;
  const fetchFn = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.callTimeoutMs ?? 10_000;
  const topics = new Set(options.topics ?? []);
  const subs = new Map<string, StoredSubscription>();
  const publishes: RecordedPublish[] = [];
  const attempts: DistributionAttempt[] = [];
  const inFlight = new Set<Promise<unknown>>();
  const closing = new AbortController();
  const heldReplies = new Set<{ res: ServerResponse; go: () => void }>();
  let holdAfter: number | undefined;
  let hubUrl = '';

  const track = (p: Promise<unknown>) => {
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };
  const subKey = (topic: string, callback: string) => `${topic}\n${callback}`;
  const activeFor = (topic: string) => {
    const t = now();
    for (const [k, s] of subs) if (s.expiresAt <= t) subs.delete(k); // a lapsed lease ends the subscription
    return [...subs.values()].filter((s) => s.topic === topic);
  };

  function authorize(req: IncomingMessage, res: ServerResponse): boolean {
    if (!options.acceptTokens) return true;
    const token = cookie(req.headers.cookie, 'Authorization');
    if (token === undefined) return void denied(res, 401, 'Authorization cookie is missing'), false;
    if (!options.acceptTokens.includes(token)) return void denied(res, 403, 'Not authorized'), false;
    return true;
  }

  function onPublish(res: ServerResponse, topic: string, contentType: string, body: Buffer, authorized: boolean): void {
    const acceptedBefore = publishes.filter((p) => p.outcome === 'accepted').length;
    const record: RecordedPublish = { topic, contentType, body: body.toString('utf8'), authorized, outcome: 'held' };
    publishes.push(record);
    if (!topics.has(topic)) {
      record.outcome = 'denied';
      record.reason = `Topic [${topic}] is not registered with the Hub`;
      return denied(res, 200, record.reason);
    }
    const go = () => {
      record.outcome = 'accepted';
      accepted(res, options.publishStatus ?? 200);
      for (const sub of activeFor(topic)) {
        track(
          distribute({
            hubUrl,
            sub,
            contentType,
            body,
            attempts: options.deliveryAttempts ?? 3,
            retryDelayMs: options.retryDelayMs ?? 3000,
            timeoutMs,
            fetch: fetchFn,
            record: (a) => attempts.push(a),
            gone: () => subs.delete(subKey(sub.topic, sub.callback)),
            signal: closing.signal,
          }),
        );
      }
    };
    if (holdAfter === undefined || acceptedBefore < holdAfter) return go();
    // Held unanswered: a publisher killed now never learns whether the hub took it, and the hub did not.
    const held = { res, go };
    heldReplies.add(held);
    res.on('close', () => {
      if (heldReplies.delete(held)) record.outcome = 'dropped';
    });
  }

  function onSubscription(res: ServerResponse, mode: string, params: URLSearchParams): void {
    const callback = params.get('hub.callback');
    const topic = params.get('hub.topic');
    if (!isHttpUrl(callback)) return denied(res, 400, 'hub.callback must be an http or https URL');
    if (!topic) return denied(res, 400, 'hub.topic is missing');
    const secret = params.get('hub.secret') ?? undefined;
    if (secret !== undefined && Buffer.byteLength(secret) >= 200) return denied(res, 400, 'hub.secret must be shorter than 200 bytes');
    if (mode === 'subscribe' && !topics.has(topic)) {
      track(notifyDenied(fetchFn, callback, topic, 'Topic is not registered with the Hub', timeoutMs, closing.signal));
      return denied(res, 406, `Topic [${topic}] is not registered with the Hub`);
    }
    const asked = Number(params.get('hub.lease_seconds') ?? NaN);
    const lease = Math.min(Number.isInteger(asked) && asked > 0 ? asked : (options.defaultLeaseSeconds ?? 86_400), options.maxLeaseSeconds ?? 864_000);
    accepted(res, 202);
    // The subscription takes effect only once the subscriber confirms it, after the 202 (W3C WebSub §5.3).
    track(
      verifyIntent(fetchFn, callback, { mode: mode as 'subscribe' | 'unsubscribe', topic, ...(mode === 'subscribe' ? { leaseSeconds: lease } : {}) }, timeoutMs, closing.signal).then((ok) => {
        if (!ok) return;
        if (mode === 'unsubscribe') subs.delete(subKey(topic, callback));
        else subs.set(subKey(topic, callback), { topic, callback, ...(secret ? { secret } : {}), expiresAt: now() + lease * 1000 });
      }),
    );
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://hub');
    if (url.pathname === '/hub/actuator/health' && req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"UP"}');
      return;
    }
    if (url.pathname !== '/hub') return void res.writeHead(404).end();
    if (req.method !== 'POST') return void res.writeHead(405, { allow: 'POST' }).end();
    const body = await readBody(req, options.maxContentBytes ?? 16 * 1024 * 1024);
    const contentType = String(req.headers['content-type'] ?? 'application/octet-stream');
    const isForm = contentType.split(';')[0]!.trim().toLowerCase() === FORM;
    // Mode and topic may be in the query (MOSIP's publish form) or in a form body (register, subscribe).
    const params = new URLSearchParams(url.search);
    if (isForm) for (const [k, v] of new URLSearchParams(body.toString('utf8'))) if (!params.has(k)) params.set(k, v);
    const mode = params.get('hub.mode');
    if (!mode) return denied(res, 400, 'hub.mode is missing');
    if (!PUBLISHER_MODES.has(mode) && !SUBSCRIBER_MODES.has(mode)) return denied(res, 400, `hub.mode ${mode.slice(0, 40)} is not supported`);
    if (!authorize(req, res)) {
      if (mode === 'publish') publishes.push({ topic: params.get('hub.topic') ?? '', contentType, body: body.toString('utf8'), authorized: false, outcome: 'denied', reason: 'Not authorized' });
      return;
    }
    if (SUBSCRIBER_MODES.has(mode)) return onSubscription(res, mode, params);
    const topic = params.get('hub.topic');
    if (!topic) return denied(res, 400, 'hub.topic is missing');
    if (mode === 'register') {
      if (topics.has(topic)) return denied(res, 200, 'Topic has already registered with the Hub');
      topics.add(topic);
      return accepted(res);
    }
    if (mode === 'deregister' || mode === 'unregister') {
      if (!topics.delete(topic)) return denied(res, 200, `Topic [${topic}] is not registered with the Hub`);
      for (const [k, s] of subs) if (s.topic === topic) subs.delete(k);
      return accepted(res);
    }
    onPublish(res, topic, contentType, body, true);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (err instanceof TooLarge) return denied(res, 413, 'content too large');
      if (!res.headersSent) denied(res, 500, 'internal error');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port, address } = server.address() as AddressInfo;
  hubUrl = `http://${address.includes(':') ? `[${address}]` : address}:${port}/hub`;

  return {
    url: hubUrl,
    port,
    topics: () => [...topics],
    publishes: () => publishes.map((p) => ({ ...p })),
    subscriptions: () => [...subs.values()].map((s) => ({ topic: s.topic, callback: s.callback, expiresAt: s.expiresAt, hasSecret: Boolean(s.secret) })),
    distributions: () => attempts.map((a) => ({ ...a })),
    holdPublishesAfter: (n) => {
      holdAfter = publishes.filter((p) => p.outcome === 'accepted').length + n;
    },
    get held() {
      return heldReplies.size;
    },
    release: () => {
      holdAfter = undefined;
      const waiting = [...heldReplies];
      heldReplies.clear();
      for (const h of waiting) h.go();
    },
    idle: async () => {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    close: () =>
      new Promise<void>((resolve) => {
        closing.abort();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new TooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
