import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import { ApiError } from './errors.js';
import { sendError } from './envelope.js';

/** The multipart `request` field (the whole envelope as JSON text) at most; MTS sets no limit. */
export const MAX_REQUEST_FIELD_BYTES = 16 * 1024 * 1024;
/** Room for the multipart form around the file: the `request` field and the part headers. */
export const FORM_ALLOWANCE = MAX_REQUEST_FIELD_BYTES + 1024 * 1024;

const expectsContinue = new WeakSet<IncomingMessage>();

/**
 * The server's `checkContinue` listener: a client that sent `Expect: 100-continue` is told to go on only once
 * {@link refuseDeclaredLength} has let the request through, so a refused upload is never sent at all.
 * @example server.on('checkContinue', continueWhenAccepted(app));
 */
export function continueWhenAccepted(app: (req: IncomingMessage, res: ServerResponse) => void) {
  return (req: IncomingMessage, res: ServerResponse) => {
    expectsContinue.add(req);
    app(req, res);
  };
}

/**
 * The limit of a JSON body parsed whole (sync, the pulled sources' requests): `maxParsedJsonBytes` when set, else the
 * smaller of 1 MiB and `maxJsonBytes` (a body parsed whole holds one request; sync, one record).
 *
 * @example
 * parsedJsonLimit({ maxJsonBytes: 512 * 2 ** 20 }); // 1048576
 */
export function parsedJsonLimit(limits: { maxJsonBytes: number; maxParsedJsonBytes?: number }): number {
  return limits.maxParsedJsonBytes ?? Math.min(1024 * 1024, limits.maxJsonBytes);
}

/**
 * Refuses a body whose declared `Content-Length` is over the limit before reading any of it: 413 ATS-REQ-105, the
 * same envelope as a body found too large while reading, and the connection closed instead of drained. CSV uploads
 * get `maxUploadBytes` plus the form around the file; a path `limitFor` names, its limit (the bodies parsed whole);
 * the rest `maxJsonBytes` (a compressed body is measured inflated, while reading).
 */
export function refuseDeclaredLength(options: {
  csvPath: string;
  maxUploadBytes: number;
  maxJsonBytes: number;
  limitFor?: (path: string) => number | undefined;
}): RequestHandler {
  return (req, res, next) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    const csv = req.path === options.csvPath;
    const identity = (req.headers['content-encoding'] ?? 'identity').toLowerCase() === 'identity';
    const limit = csv ? options.maxUploadBytes + FORM_ALLOWANCE : identity ? (options.limitFor?.(req.path) ?? options.maxJsonBytes) : Infinity;
    if (declared > limit) {
      res.set('Connection', 'close');
      sendError(res, new ApiError('ATS-REQ-105', csv ? `Invalid Input. csv_file exceeds the upload limit of ${options.maxUploadBytes} bytes` : 'Invalid Input. Body exceeds the size limit'));
      return;
    }
    if (expectsContinue.has(req)) res.writeContinue();
    next();
  };
}
