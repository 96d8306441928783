import type { AuthenticatorLike } from '../src/lib/context.js';

/** A stand-in for tests of the worker's own logic: token `tok-<vid>`, an IDA error for vids ending in 9. */
export function fakeAuthenticator(options: { delayMs?: number } = {}) {
  const calls = new Map<string, number>();
  const order: string[] = [];
  let down = false;
  const auth: AuthenticatorLike = {
    async authenticate(req) {
      await new Promise((r) => setTimeout(r, options.delayMs ?? 1));
      if (down) throw Object.assign(new Error('IDA unreachable'), { name: 'AuthenticatorError', code: 'AUT_BAS_001', retryable: true });
      calls.set(req.individualId, (calls.get(req.individualId) ?? 0) + 1);
      order.push(req.individualId);
      if (req.individualId.endsWith('9')) {
        return { authStatus: false, errors: [{ errorCode: 'IDA-DEA-001', errorMessage: 'Demographic data name did not match' }] };
      }
      return { authStatus: true, authToken: `tok-${req.individualId}`, errors: [] };
    },
    async close() {},
  };
  return {
    auth,
    calls,
    order,
    setDown(value: boolean) {
      down = value;
    },
  };
}
