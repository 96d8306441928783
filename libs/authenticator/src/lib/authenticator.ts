import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  base64UrlEncode, certificateThumbprint, createJwsSigner, createRandomPool, loadCertificate, loadPkcs12, type JwsSigner,
} from '@mts/crypto';
import { backoffDelay, retryAfterMs } from './backoff.js';
import { validateAuthenticatorConfig, type AuthenticatorConfig } from './config.js';
import { AuthenticatorError, type AuthenticatorErrorCode } from './errors.js';
import { createHttpTransport, TransportError } from './http-transport.js';
import { buildAuthRequest, type BuildContext, type BuiltRequest } from './request-builder.js';
import { readIdaAnswer } from './response.js';
import type { AttemptReport, AuthRequest, AuthResult, TransportResponse } from './types.js';

/** A configured IDA client. Safe to call concurrently; calls share one keep-alive connection pool. */
export interface Authenticator {
  authenticate(req: AuthRequest): Promise<AuthResult>;
  close(): Promise<void>;
}

/**
 * Creates an IDA demographic-auth client: keys are read and parsed once here, then each `authenticate` builds,
 * encrypts, signs (off the main thread), POSTs with retries for transient failures, and verifies the answer.
 *
 * @example
 * const auth = createAuthenticator(authenticatorConfigFromEnv(process.env));
 * const result = await auth.authenticate({ individualId: vid, demographics: { dob: '1990/01/05' } });
 * if (result.authStatus) console.log(result.authToken); else console.log(result.errors);
 * await auth.close();
 * @throws AuthenticatorError `AUT_CFG_001` (bad setting), `AUT_CRY_001` (certificate), `AUT_CRY_002` (p12)
 */
export function createAuthenticator(config: AuthenticatorConfig): Authenticator {
  const cfg = validateAuthenticatorConfig(config);
  const idaCert = readCertificate(cfg.encryptCertPath, cfg.encryptCert, 'encryptCert');
  const responseCert =
    cfg.responseCertPath || cfg.responseCert !== undefined
      ? readCertificate(cfg.responseCertPath, cfg.responseCert, 'responseCert')
      : undefined;
  const signer = readSigner(cfg);
  const ctx: BuildContext = {
    idaCert,
    thumbprint: base64UrlEncode(certificateThumbprint(idaCert)),
    domainUri: cfg.domainUri,
    env: cfg.env,
    sendRequestedAuth: cfg.sendRequestedAuth,
    random: cfg.random ?? createRandomPool(),
    now: cfg.now ?? (() => new Date()),
  };
  const url = [cfg.idaAuthUrl.replace(/\/+$/, ''), cfg.mispLicenseKey, cfg.partnerId, cfg.apiKey]
    .map((part, i) => (i === 0 ? part : encodeURIComponent(part)))
    .join('/');
  const transport = cfg.transport ?? createHttpTransport({ maxSockets: cfg.maxSockets });
  const sleep = cfg.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let closed = false;

  /** One attempt; `call.transactionId` is set as soon as it exists, so a retry after a failed send keeps it. */
  async function attempt(req: AuthRequest, call: { transactionId?: string }): Promise<[BuiltRequest, TransportResponse]> {
    let built: BuiltRequest;
    try {
      built = buildAuthRequest(req, ctx, call.transactionId);
    } catch (cause) {
      throw new AuthenticatorError('AUT_CRY_003', codeOf(cause), { cause });
    }
    call.transactionId = built.transactionId;
    let signature: string;
    try {
      signature = await signer.sign(built.body);
    } catch (cause) {
      throw new AuthenticatorError('AUT_CRY_004', codeOf(cause), { cause });
    }
    const headers = { 'Content-Type': 'application/json', Authorization: 'Authorization', signature };
    if (!cfg.onAttempt) return [built, await transport.send({ url, headers, body: built.body, timeoutMs: cfg.timeoutMs })];
    const sent = performance.now();
    let res: TransportResponse;
    try {
      res = await transport.send({ url, headers, body: built.body, timeoutMs: cfg.timeoutMs });
    } catch (e) {
      report({ status: undefined, latencyMs: performance.now() - sent, error: e instanceof TransportError && e.timeout ? 'timeout' : 'network' });
      throw e;
    }
    report({ status: res.status, latencyMs: performance.now() - sent });
    return [built, res];
  }

  function report(r: AttemptReport): void {
    try {
      cfg.onAttempt?.(r);
    } catch {
      // An observer's fault is not the authentication's.
    }
  }

  return {
    async authenticate(req) {
      if (closed) throw new AuthenticatorError('AUT_BAS_001', 'authenticator is closed');
      checkRequest(req);
      const call: { transactionId?: string } = {};
      for (let n = 0; ; n++) {
        let reason: string;
        let wait: number | undefined;
        try {
          // Each attempt is rebuilt (fresh requestTime, key, nonces) but keeps the transactionID.
          const [built, res] = await attempt(req, call);
          if (res.status !== 429 && res.status < 500) {
            return await readIdaAnswer(res, { transactionId: built.transactionId, responseCert });
          }
          reason = `HTTP ${res.status}`;
          wait = retryAfterMs(res.headers['retry-after']);
        } catch (e) {
          if (e instanceof AuthenticatorError) throw e;
          reason = e instanceof TransportError ? e.message : `transport failed (${codeOf(e)})`;
          if (e instanceof TransportError && !e.retryable && !closed) throw new AuthenticatorError('AUT_BAS_001', reason);
        }
        // Closed meanwhile (a shutdown that stopped waiting): send nothing more, and leave the record to a later run.
        if (closed) throw closedDuring(reason);
        if (n >= cfg.maxRetries) {
          throw new AuthenticatorError('AUT_BAS_001', `IDA unreachable after ${n + 1} attempts: ${reason}`, {
            retryable: true,
          });
        }
        await sleep(backoffDelay(n, { baseMs: cfg.retryBaseDelayMs, maxMs: cfg.retryMaxDelayMs, retryAfterMs: wait }));
        if (closed) throw closedDuring(reason);
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      // Only a transport we created is ours to close.
      if (!cfg.transport) await transport.close?.();
    },
  };
}

function closedDuring(reason: string): AuthenticatorError {
  return new AuthenticatorError('AUT_BAS_001', `authenticator closed during the request (${reason})`, { retryable: true });
}

function checkRequest(req: AuthRequest): void {
  const bad = (what: string) => new AuthenticatorError('AUT_BAS_001', `invalid auth request: ${what}`);
  if (typeof req !== 'object' || req === null) throw bad('not an object');
  if (typeof req.individualId !== 'string' || req.individualId === '') throw bad('individualId must be a non-empty string');
  if (req.individualIdType !== undefined && req.individualIdType !== 'UIN' && req.individualIdType !== 'VID') {
    throw bad('individualIdType must be UIN or VID');
  }
  if (typeof req.demographics !== 'object' || req.demographics === null) throw bad('demographics must be an object');
}

function readCertificate(path: string | undefined, value: string | Uint8Array | undefined, name: string): X509Certificate {
  try {
    return loadCertificate(path ? readFileSync(path) : (value as string | Uint8Array));
  } catch (cause) {
    throw new AuthenticatorError('AUT_CRY_001', `${name} ${path ? 'file cannot be read or ' : ''}is not a certificate (${codeOf(cause)})`, {
      cause,
    });
  }
}

function readSigner(cfg: AuthenticatorConfig): JwsSigner {
  let code: AuthenticatorErrorCode = cfg.signKey ? 'AUT_CRY_004' : 'AUT_CRY_002';
  try {
    const { privateKey, certificate } =
      cfg.signKey ??
      loadPkcs12(cfg.signP12Path ? readFileSync(cfg.signP12Path) : (cfg.signP12 as Uint8Array), cfg.signP12Password ?? '');
    code = 'AUT_CRY_004';
    return createJwsSigner({ privateKey, certificate });
  } catch (cause) {
    const what = code === 'AUT_CRY_002' ? 'signP12 cannot be read (missing file or wrong password)' : 'signP12 key cannot sign RS256';
    throw new AuthenticatorError(code, `${what} (${codeOf(cause)})`, { cause });
  }
}

function codeOf(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : e instanceof Error ? e.name : 'unknown';
}
