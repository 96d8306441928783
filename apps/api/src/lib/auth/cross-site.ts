import type { RequestHandler } from 'express';
import { ApiError } from '../errors.js';
import { hasBody } from './caller-auth.js';

/** What browsers send (Fetch Metadata) on a call made by a page of another origin. */
const CROSS_ORIGIN = new Set(['cross-site', 'same-site']);

/**
 * Express middleware: refuses a state-changing call (any method but GET and HEAD) that a browser says comes from a
 * page of another origin (`Sec-Fetch-Site: cross-site` or `same-site`), with 403 ATS-AUTH-004, its body unread. A
 * hostile page can make a visitor's browser POST a form or a `text/plain` body (no preflight) to an API it cannot
 * reach itself, one without caller authentication inside a private network or on localhost, and have it submit
 * requests with a callback of its choosing. Servers, curl and the API's own page (same origin) send no such header or
 * `same-origin`; no other origin is served CORS, so no legitimate caller is refused.
 */
export function refuseCrossSite(): RequestHandler {
  return (req, res, next) => {
    if (req.method === 'GET' || req.method === 'HEAD' || !CROSS_ORIGIN.has(String(req.get('sec-fetch-site')).toLowerCase())) return next();
    if (hasBody(req)) res.set('Connection', 'close');
    next(new ApiError('ATS-AUTH-004', 'Calls from a page of another origin are refused: submit from a server, or from the page at ui/'));
  };
}
