import { createHmac } from 'node:crypto';
import { deadline } from './deadline.js';
import type { DistributionAttempt } from './types.js';

/** A subscription as the hub keeps it (with its secret). */
export interface StoredSubscription {
  topic: string;
  callback: string;
  secret?: string;
  expiresAt: number;
}

/** What one distribution needs. */
export interface Distribution {
  hubUrl: string;
  sub: StoredSubscription;
  contentType: string;
  body: Buffer;
  attempts: number;
  retryDelayMs: number;
  timeoutMs: number;
  fetch: typeof fetch;
  /** Called for each try. */
  record(attempt: DistributionAttempt): void;
  /** The subscriber answered 410 Gone: the subscription ends. */
  gone(): void;
  /** Aborted when the hub closes. */
  signal: AbortSignal;
}

/** `X-Hub-Signature: sha256=<hex HMAC-SHA256(secret, body)>` (W3C WebSub §8). */
export function signature(secret: string, body: Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

const wait = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });

/**
 * Hands content to one subscriber (W3C WebSub §7–8): POST with the publisher's Content-Type, Link headers and, when
 * the subscriber gave a secret, X-Hub-Signature. A 2xx ends it; 410 ends the subscription; anything else is tried
 * again after `retryDelayMs`, `attempts` times in all (MOSIP's hub: 3 tries, 3 s apart).
 */
export async function distribute(d: Distribution): Promise<void> {
  const headers: Record<string, string> = {
    'content-type': d.contentType,
    link: `<${d.hubUrl}>; rel="hub", <${d.sub.topic}>; rel="self"`,
  };
  if (d.sub.secret) headers['x-hub-signature'] = signature(d.sub.secret, d.body);
  for (let attempt = 1; attempt <= d.attempts && !d.signal.aborted; attempt++) {
    let status = 0;
    const call = deadline(d.timeoutMs, d.signal);
    try {
      const res = await d.fetch(d.sub.callback, { method: 'POST', headers, body: d.body, redirect: 'manual', signal: call.signal });
      status = res.status;
      await res.body?.cancel().catch(() => {});
    } catch {
      status = 0;
    } finally {
      call.done();
    }
    d.record({ topic: d.sub.topic, callback: d.sub.callback, attempt, status });
    if (status >= 200 && status < 300) return;
    if (status === 410) return d.gone();
    if (attempt < d.attempts) await wait(d.retryDelayMs, d.signal);
  }
}
