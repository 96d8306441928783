import { X509Certificate } from 'node:crypto';
import { verifyDetachedJws } from '@mts/crypto';
import { AuthenticatorError } from './errors.js';
import type { AuthResult, IdaError, TransportResponse } from './types.js';

/**
 * Turns IDA's HTTP answer (status 200, errors included) into an {@link AuthResult}. When `responseCert` is set,
 * the `response-signature` must verify over the exact body bytes first.
 *
 * @example
 * const result = await readIdaAnswer(res, { transactionId, responseCert });
 * @throws AuthenticatorError `AUT_CRY_005` for a missing or bad signature, `AUT_BAS_001` for a non-IDA answer
 */
export async function readIdaAnswer(
  res: TransportResponse,
  options: { transactionId: string; responseCert?: X509Certificate },
): Promise<AuthResult> {
  if (res.status !== 200) throw new AuthenticatorError('AUT_BAS_001', `IDA answered HTTP ${res.status}`);
  if (options.responseCert) await checkSignature(res, options.responseCert);
  let body: unknown;
  try {
    body = JSON.parse(res.body.toString('utf8'));
  } catch {
    throw new AuthenticatorError('AUT_BAS_001', 'IDA answer is not JSON');
  }
  if (!isObject(body) || (!isObject(body.response) && !Array.isArray(body.errors))) {
    throw new AuthenticatorError('AUT_BAS_001', 'IDA answer has neither response nor errors');
  }
  const response = isObject(body.response) ? body.response : {};
  const authStatus = response.authStatus === true;
  const result: AuthResult = {
    authStatus,
    errors: Array.isArray(body.errors) ? body.errors.filter(isObject).map(toIdaError) : [],
    transactionId: typeof body.transactionID === 'string' ? body.transactionID : options.transactionId,
    responseTime: typeof body.responseTime === 'string' ? body.responseTime : '',
    idaResponse: body,
  };
  if (authStatus && typeof response.authToken === 'string') result.authToken = response.authToken;
  return result;
}

async function checkSignature(res: TransportResponse, cert: X509Certificate): Promise<void> {
  const raw = res.headers['response-signature'];
  const signature = Array.isArray(raw) ? raw[0] : raw;
  if (!signature) throw new AuthenticatorError('AUT_CRY_005', 'IDA answer has no response-signature header');
  try {
    await verifyDetachedJws(signature, res.body, { certificate: cert });
  } catch (cause) {
    const code = (cause as { code?: string }).code ?? 'unknown';
    throw new AuthenticatorError('AUT_CRY_005', `response-signature does not verify (${code})`, { cause });
  }
}

function toIdaError(e: Record<string, unknown>): IdaError {
  const out: IdaError = { errorCode: String(e.errorCode ?? ''), errorMessage: String(e.errorMessage ?? '') };
  if (typeof e.actionMessage === 'string') out.actionMessage = e.actionMessage;
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
