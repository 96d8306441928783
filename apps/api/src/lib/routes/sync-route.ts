import { coerceMtsScalars } from '@mts/envelope';
import express, { type Request, type Response } from 'express';
import type { MappingSpec } from '@mts/envelope';
import { mayLoseDigits, parseJsonExact } from '@mts/parsers';
import { ApiError } from '../errors.js';
import { envelope } from '../envelope.js';
import { dropEmptyLang, issuesToError, MISSING_BODY } from '../validation.js';
import { bodyOf } from './submit-routes.js';
import type { EnvelopePort, SyncPort } from '../ports.js';

type RawJson = Request & { rawJson?: Buffer };

/**
 * The single-record synchronous call, shaped as MTS's sync mode: `request={mapping, lang, authdata:<one object>}`,
 * `response` = IDA's `{authStatus, authToken}` (token dropped when authStatus is false), `errors` = IDA's errors
 * with ". " + actionMessage appended, envelope `version` "1.0".
 */
export function syncHandler(deps: { envelope: EnvelopePort; sync?: SyncPort; maxJsonBytes: number }) {
  // The raw body is kept for the rare record holding a 16-digit run, read again then: JSON.parse rounds an id sent as
  // a number.
  const json = express.json({ limit: deps.maxJsonBytes, type: () => true, verify: (req, _res, raw) => void ((req as RawJson).rawJson = raw) });
  const handle = async (req: Request, res: Response) => {
    const text = (req as RawJson).rawJson?.toString('utf8');
    if (text !== undefined && mayLoseDigits(text)) req.body = parseJsonExact(text);
    const body = coerceMtsScalars(bodyOf(req));
    if (body === undefined || body === null || body === '') {
      throw new ApiError('ATS-REQ-102', MISSING_BODY);
    }
    const invalid = issuesToError(deps.envelope.validate('sync', body));
    if (invalid) throw invalid;
    if (!deps.sync) throw new ApiError('ATS-REQ-106', 'Synchronous authentication is not configured on this server', { retryable: true });
    const request = dropEmptyLang((body as { request: Record<string, unknown> }).request);
    const result = await deps.sync.authenticate(request.authdata, {
      mapping: request.mapping as MappingSpec | undefined,
      lang: typeof request.lang === 'string' ? request.lang : undefined,
    });
    if (result.kind === 'invalid') throw new ApiError(result.code, result.message);
    const errors = result.errors.map((e) => ({
      errorCode: e.errorCode,
      errorMessage: e.actionMessage ? `${e.errorMessage}. ${e.actionMessage}` : e.errorMessage,
    }));
    const response = result.authStatus ? { authStatus: true, authToken: result.authToken } : { authStatus: false };
    res.status(200).json(envelope(response, errors.length ? errors : null, { version: '1.0' }));
  };
  return [json, handle] as const;
}
