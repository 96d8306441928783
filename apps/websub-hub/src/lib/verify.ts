import { randomBytes } from 'node:crypto';
import { deadline } from './deadline.js';

/**
 * Verifies a subscriber's intent (W3C WebSub §5.3): GET the callback with `hub.mode`, `hub.topic`, `hub.challenge`
 * and (subscribe) `hub.lease_seconds`; the intent is confirmed only by a 2xx whose body is exactly the challenge.
 */
export async function verifyIntent(
  fetchFn: typeof fetch,
  callback: string,
  params: { mode: 'subscribe' | 'unsubscribe'; topic: string; leaseSeconds?: number },
  timeoutMs: number,
  signal: AbortSignal,
): Promise<boolean> {
  const challenge = randomBytes(16).toString('hex');
  const url = new URL(callback);
  url.searchParams.set('hub.mode', params.mode);
  url.searchParams.set('hub.topic', params.topic);
  url.searchParams.set('hub.challenge', challenge);
  if (params.leaseSeconds !== undefined) url.searchParams.set('hub.lease_seconds', String(params.leaseSeconds));
  const call = deadline(timeoutMs, signal);
  try {
    const res = await fetchFn(url, { redirect: 'manual', signal: call.signal });
    const body = await res.text();
    return res.status >= 200 && res.status < 300 && body.trim() === challenge;
  } catch {
    return false;
  } finally {
    call.done();
  }
}

/** Tells a subscriber its subscription was refused (W3C WebSub §5.2): GET with `hub.mode=denied` and a reason. */
export async function notifyDenied(fetchFn: typeof fetch, callback: string, topic: string, reason: string, timeoutMs: number, signal: AbortSignal): Promise<void> {
  const url = new URL(callback);
  url.searchParams.set('hub.mode', 'denied');
  url.searchParams.set('hub.topic', topic);
  url.searchParams.set('hub.reason', reason);
  const call = deadline(timeoutMs, signal);
  try {
    const res = await fetchFn(url, { redirect: 'manual', signal: call.signal });
    await res.body?.cancel().catch(() => {});
  } catch {
    // A subscriber that cannot be told is simply not subscribed.
  } finally {
    call.done();
  }
}
