import { Router, type Request, type Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { ApiError } from '../errors.js';
import { Readable } from 'node:stream';
import { envelope, sendOk } from '../envelope.js';
import type { RequestsPort } from '../ports.js';
import { EXACT } from '../exact-routes.js';
import { callerOf, callerPart } from '../auth/caller-auth.js';

/** MTS's auth fields, in its order (GET authtoken/authfields). */
export const AUTH_FIELDS = Object.freeze(['vid', 'name', 'gender', 'dob', 'phoneNumber', 'emailId', 'fullAddress']);

const CONTENT_TYPES = { csv: 'text/csv; charset=utf-8', json: 'application/json; charset=utf-8', ndjson: 'application/x-ndjson; charset=utf-8' } as const;

/**
 * GET authtoken/status/{id}, authtoken/file/{id}, authtoken/duplicates/{id}, authtoken/requests, authtoken/authfields
 * and ping. With caller authentication on, a request of another caller answers as an unknown id does.
 */
export function queryRoutes(deps: { requests: RequestsPort; podName: string; workerId: number }): Router {
  const router = Router(EXACT);

  router.get('/authtoken/status/:id', async (req: Request, res: Response) => {
    const view = await deps.requests.status(String(req.params.id), callerOf(res));
    if (!view) throw unknownId();
    sendOk(res, {
      status: view.status,
      ...(view.counts ? { counts: view.counts } : {}),
      ...(view.eta !== undefined ? { eta: view.eta } : {}),
      ...(view.errorCode ? { errorCode: view.errorCode } : {}),
      ...(view.duplicateGroups !== undefined ? { duplicateGroups: view.duplicateGroups } : {}),
    });
  });

  router.get('/authtoken/duplicates/:id', async (req: Request, res: Response) => {
    const view = deps.requests.duplicates ? await deps.requests.duplicates(String(req.params.id), callerOf(res)) : null;
    if (!view) throw unknownId();
    if (!view.ready) throw new ApiError('ATS-REQ-017', 'Auth request not processed yet');
    const format = duplicatesFormat(req);
    if (!format) throw new ApiError('ATS-REQ-102', 'Invalid Input. format: must be json or csv');
    res.status(200).type(CONTENT_TYPES[format]);
    const body = format === 'csv' ? duplicatesCsv(view.read()) : duplicatesJson(view.groups ?? 0, view.read());
    await pipeline(Readable.from(body), res).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ERR_STREAM_PREMATURE_CLOSE') throw err;
    });
  });

  router.get('/authtoken/file/:id', async (req: Request, res: Response) => {
    const view = await deps.requests.output(String(req.params.id), callerOf(res));
    if (!view) throw unknownId();
    if (!view.ready) throw new ApiError('ATS-REQ-017', 'Auth request not processed yet');
    // The output's start is checked before the status line goes out, so a missing or damaged file gets an answer.
    const stream = await view.open().catch((err: unknown) => {
      throw new ApiError('ATS-REQ-100', 'The output file of the auth request could not be read', { cause: err });
    });
    // A file name for browsers and `curl -OJ` (MTS sends none): the request id and the output's extension.
    res.status(200).attachment(`${String(req.params.id)}.${view.output}`).type(CONTENT_TYPES[view.output]);
    // Damage found later can only abort the chunked body (never a short 200 that looks whole); the error handler
    // logs it and destroys the connection. A caller who hung up needs neither.
    await pipeline(stream, res).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ERR_STREAM_PREMATURE_CLOSE') throw err;
    });
  });

  // The caller's recent requests, newest first; `?ids=` narrows them to the named ones. With caller authentication off
  // there is no caller, so only named requests are listed: listing every id would hand any visitor every output.
  router.get('/authtoken/requests', async (req: Request, res: Response) => {
    const limit = limitOf(req.query.limit);
    const ids = idsOf(req.query.ids);
    const caller = callerPart(res);
    if (caller.caller === undefined && ids === undefined) {
      throw new ApiError('ATS-REQ-102', 'Invalid Input. ids: required while caller authentication is off (the ids of the requests to list, comma-separated)');
    }
    const requests = deps.requests.list ? await deps.requests.list({ ...caller, limit, ...(ids ? { ids } : {}) }) : [];
    sendOk(res, { requests });
  });

  router.get('/authtoken/authfields', (_req: Request, res: Response) => {
    sendOk(res, { authfields: AUTH_FIELDS });
  });

  router.get('/ping', (_req: Request, res: Response) => {
    res.status(200).json(`[${podNumber(deps.podName)} - ${deps.workerId}] pong`);
  });

  // An id with a broken percent-escape (`%zz`, `%E0%A4%A`) fails to decode before any handler runs; MTS reads
  // it leniently and finds no such request, so the caller gets the same 404 rather than a 500.
  router.use((err: unknown, _req: Request, _res: Response, next: (err?: unknown) => void) => {
    next(err instanceof URIError ? unknownId() : err);
  });
  return router;
}

/** `?format=csv|json`, else the Accept header (text/csv), else JSON; null for an unknown format. */
function duplicatesFormat(req: Request): 'csv' | 'json' | null {
  const asked = req.query.format;
  if (asked !== undefined) return asked === 'csv' || asked === 'json' ? asked : null;
  return req.accepts(['application/json', 'text/csv']) === 'text/csv' ? 'csv' : 'json';
}

type Groups = AsyncIterable<{ group: number; lineNos: number[] }>;

/** Rows of CSV text per piece: a group of a million lines is not one string of a million rows in the heap. */
export const CSV_ROWS_PER_PIECE = 4096;

/** One row per record in a group: `group,groupSize,lineNumber`, streamed in pieces of at most CSV_ROWS_PER_PIECE rows. */
export async function* duplicatesCsv(groups: Groups): AsyncIterable<string> {
  yield 'group,groupSize,lineNumber\n';
  for await (const g of groups) {
    const prefix = `${g.group},${g.lineNos.length},`;
    for (let from = 0; from < g.lineNos.length; from += CSV_ROWS_PER_PIECE) {
      let piece = '';
      for (const line of g.lineNos.slice(from, from + CSV_ROWS_PER_PIECE)) piece += `${prefix}${line}\n`;
      yield piece;
    }
  }
}

/** MTS's envelope around `{ groups, records, duplicates: [{ group, count, lineNumbers }] }`, streamed group by group. */
async function* duplicatesJson(groupCount: number, groups: Groups): AsyncIterable<string> {
  const head = JSON.stringify(envelope({ groups: groupCount, duplicates: [] }));
  // The envelope with its (empty) array split open, so the groups stream into it and `records` follows them.
  const at = head.lastIndexOf('"duplicates":[]');
  yield head.slice(0, at) + '"duplicates":[';
  let records = 0;
  let first = true;
  for await (const g of groups) {
    records += g.lineNos.length;
    yield (first ? '' : ',') + JSON.stringify({ group: g.group, count: g.lineNos.length, lineNumbers: g.lineNos });
    first = false;
  }
  yield `],"records":${records}` + head.slice(at + '"duplicates":[]'.length);
}

/** `?limit=N`: 1…100, default 20. */
/** `?ids=a,b,…`: at most 100 request ids (anything not shaped like one is simply not found); undefined when absent. */
function idsOf(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  const ids = typeof value === 'string' ? value.split(',').filter(Boolean) : [];
  if (ids.length === 0 || ids.length > 100) throw new ApiError('ATS-REQ-102', 'Invalid Input. ids: 1 to 100 request ids, comma-separated');
  return [...new Set(ids)];
}

function limitOf(value: unknown): number {
  if (value === undefined) return 20;
  const n = typeof value === 'string' && /^\d{1,3}$/.test(value) ? Number(value) : NaN;
  if (!(n >= 1 && n <= 100)) throw new ApiError('ATS-REQ-102', 'Invalid Input. limit: must be a whole number from 1 to 100');
  return n;
}

function unknownId(): ApiError {
  return new ApiError('ATS-REQ-016', 'no auth request found for the given identifier');
}

/** MTS's pod id as its ping shows it: the number after the pod name's last `-` (`token-seeder-2` → 2), else 0. */
function podNumber(podName: string): number {
  const tail = podName.slice(podName.lastIndexOf('-') + 1).trim();
  return /^[+-]?\d+$/.test(tail) ? Number.parseInt(tail, 10) : 0;
}
