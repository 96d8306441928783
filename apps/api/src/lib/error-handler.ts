import type { ErrorRequestHandler } from 'express';
import multer from 'multer';
import { ApiError, httpStatusFor } from './errors.js';
import { envelope, sendError } from './envelope.js';
import type { Logger } from './logger.js';

/** Maps anything thrown in a route to MTS's envelope; never a stack trace to the caller. */
export function errorHandler(logger: Logger, maxUploadBytes: number): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const apiError = toApiError(err, maxUploadBytes);
    const level = apiError.code === 'ATS-REQ-100' || apiError.code.startsWith('AUT_') ? 'error' : 'info';
    const cause = apiError !== err ? err : apiError.cause;
    logger.log(level, 'request failed', {
      method: req.method,
      path: req.path,
      code: apiError.code,
      // Only unexpected errors carry their cause (libs keep PII out of messages). Parser errors are not logged:
      // a JSON.parse message quotes the body it choked on.
      cause: level === 'error' && cause !== undefined ? describe(cause) : undefined,
    });
    if (res.headersSent) {
      res.destroy();
      return;
    }
    // A body refused for its size is not read any further: Node closes the connection once the answer is out.
    if (httpStatusFor(apiError.code, { schema: apiError.schema }) === 413) res.set('Connection', 'close');
    try {
      sendError(res, apiError);
    } catch (err) {
      // The envelope could not be made (e.g. too large to serialise): a small fixed one, never Express's HTML page.
      logger.error('error response failed', { method: req.method, path: req.path, code: apiError.code, cause: describe(err) });
      if (res.headersSent) res.destroy();
      else res.status(500).type('application/json').send(JSON.stringify(envelope(null, [{ errorCode: 'ATS-REQ-100', errorMessage: 'Unknown error occurred' }])));
    }
  };
}

function toApiError(err: unknown, maxUploadBytes: number): ApiError {
  if (err instanceof ApiError) return err;
  const e = err as { type?: string; code?: unknown; message?: string; status?: number } | null;
  if (err instanceof multer.MulterError) {
    if (err.code === 'LIMIT_FILE_SIZE') {
      return new ApiError('ATS-REQ-105', `Invalid Input. csv_file exceeds the upload limit of ${maxUploadBytes} bytes`);
    }
    return new ApiError('ATS-REQ-102', `Invalid Input. ${err.message}${err.field ? ` (${err.field})` : ''}`);
  }
  if (e?.type === 'entity.parse.failed') return new ApiError('ATS-REQ-102', 'Invalid Input. Body is not valid JSON', { schema: true });
  if (e?.type === 'entity.too.large') return new ApiError('ATS-REQ-105', 'Invalid Input. Body exceeds the size limit');
  if (typeof e?.type === 'string' && e.status !== undefined && e.status < 500) {
    return new ApiError('ATS-REQ-102', `Invalid Input. ${e.message ?? 'unreadable body'}`);
  }
  // busboy's multipart parse errors carry no code: a malformed upload is the caller's fault.
  if (err instanceof Error && /^(Malformed part header|Unexpected end of form|Multipart: Boundary not found)/.test(err.message)) {
    return new ApiError('ATS-REQ-102', `Invalid Input. ${err.message}`);
  }
  if (typeof e?.code === 'string' && /^(ATS-REQ-|AUT_)/.test(e.code)) {
    return new ApiError(e.code, e.code.startsWith('AUT_') ? 'Auth request could not be processed' : (e.message ?? e.code), { cause: err });
  }
  return new ApiError('ATS-REQ-100', 'Unknown error occurred', { cause: err });
}

function describe(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { value: typeof err };
  return { name: err.name, code: (err as { code?: unknown }).code, message: err.message, stack: err.stack };
}
