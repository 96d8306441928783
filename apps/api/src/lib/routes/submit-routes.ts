import express, { Router, type Request, type Response } from 'express';
import multer from 'multer';
import { ApiError } from '../errors.js';
import { FORM_ALLOWANCE, MAX_REQUEST_FIELD_BYTES } from '../declared-length.js';
import { limitForm } from '../form-limits.js';
import { sendOk } from '../envelope.js';
import { checkSubmission, MISSING_BODY, withinDepth } from '../validation.js';
import { multerUploadEngine, type UploadFacts } from '../upload-storage.js';
import { receiveJsonSubmission } from '../json-submission.js';
import type { EnvelopePort, RequestsPort, UploadStorage } from '../ports.js';
import type { Logger } from '../logger.js';
import { SOURCES, type InputSource, type Intake, type IntakeProblem } from '@mts/connectors';
import type { InputKind } from '@mts/store';
import { EXACT } from '../exact-routes.js';
import { callerPart } from '../auth/caller-auth.js';

/** What the submission routes need. */
export interface SubmitRoutesDeps {
  requests: RequestsPort;
  uploads: UploadStorage;
  envelope: EnvelopePort;
  logger: Logger;
  maxUploadBytes: number;
  /** Largest streamed JSON submission (authtoken/json, vc). */
  maxJsonBytes: number;
  /** Largest JSON body parsed whole (the pulled sources' requests). */
  maxParsedJsonBytes: number;
  /** Largest authtoken/json envelope without its authdata, in characters. Default 1 Mi. */
  maxHeadChars?: number;
  /** The input sources to serve; default `@mts/connectors`' registry. */
  sources?: readonly InputSource[];
}

/** Text fields of a multipart submission (the envelope is one; the rest are ignored). */
const MAX_FORM_FIELDS = 64;
/** Each ignored text field at most: they are held in memory until the form ends, and nothing reads them. */
const MAX_IGNORED_FIELD_BYTES = 64 * 1024;

type UploadedFile = Express.Multer.File & { facts: UploadFacts; encrypted: boolean; requestId?: string };

/**
 * Whether submitRoutes parses a source's POST body whole with express.json (a pull source's request only names where to
 * pull from), rather than streaming it: the API's early size check gives such paths the parsed-body limit.
 */
export const parsesWhole = (source: InputSource): boolean => source.intake.type === 'pull';

/**
 * POST authtoken/<kind> for each input source (json, csv, odk): each persists its input and returns the id at
 * once; records are mapped, authenticated (and pulled) by the worker, so validation here covers the envelope only.
 */
export function submitRoutes(deps: SubmitRoutesDeps): Router {
  const router = Router(EXACT);
  const json = express.json({ limit: deps.maxParsedJsonBytes, type: () => true });
  const accepted = (res: Response, id: string, kind: string) => {
    deps.logger.info('request accepted', { requestId: id, kind, ...callerPart(res) });
    sendOk(res, { request_identifier: id });
  };

  // One endpoint per registered input source (`@mts/connectors`), taken in as its intake says.
  for (const source of deps.sources ?? SOURCES) {
    const path = `/authtoken/${source.kind}`;
    const intake = source.intake;
    const inputKind = source.storedAs[0]!;
    if (intake.type === 'records') router.post(path, recordsHandler(source.kind, inputKind, intake.field));
    else if (intake.type === 'pull') router.post(path, json, pullHandler(source.kind, inputKind)); // see parsesWhole
    else if (intake.type === 'upload') router.post(path, uploadMiddleware(intake.field), uploadHandler(source.kind, inputKind, intake));
    else {
      // Multipart or JSON, as the Content-Type says (MTS's csv and json endpoints, on one path).
      const upload = { type: 'upload' as const, field: intake.upload, ...(intake.check ? { check: intake.check } : {}) };
      const receive = uploadMiddleware(intake.upload);
      const uploaded = uploadHandler(source.kind, inputKind, upload, { records: intake.records, both: intake.both });
      const records = recordsHandler(source.kind, inputKind, intake.records, intake.missing);
      router.post(path, (req, res, next) => {
        if (!req.is('multipart/form-data')) return void records(req, res).catch(next);
        receive(req, res, (err?: unknown) => (err ? next(err) : void uploaded(req, res).catch(next)));
      });
    }
  }

  // Streamed, not express.json: a body of many MB would otherwise sit whole in the heap (see json-submission.ts).
  function recordsHandler(kind: string, inputKind: InputKind, field: string, missing?: IntakeProblem) {
    return async (req: Request, res: Response) => {
      const { request, upload, records } = await receiveJsonSubmission(req, { ...deps, kind, field });
      try {
        // Records are optional in the envelope of a source that also takes an upload: none at all is this source's error.
        if (missing && (upload ? upload.size === 0 : !Array.isArray(records) || records.length === 0)) throw new ApiError(missing.code, missing.message);
        const { id } = await deps.requests.submit({ kind, inputKind, request, ...(upload ? { upload } : { records }), ...callerPart(res) });
        accepted(res, id, kind);
      } catch (err) {
        if (upload) await deps.requests.discardInput?.(upload.path);
        throw err;
      }
    };
  }

  function pullHandler(kind: string, inputKind: InputKind) {
    return async (req: Request, res: Response) => {
      const request = checkSubmission(deps.envelope, kind, bodyOf(req));
      const { id } = await deps.requests.submit({ kind, inputKind, request, ...callerPart(res) });
      accepted(res, id, kind);
    };
  }

  function uploadMiddleware(field: string) {
    // streamHandler is multer 2.5's; @types/multer does not declare it yet.
    const options: multer.Options & { streamHandler: ReturnType<typeof limitForm> } = {
      storage: multerUploadEngine(deps.uploads),
      // MTS (Starlette) takes any number of text fields and a `request` field of any size: allow some room, still bounded.
      // busboy has one fieldSize for every field; limitForm holds the ignored ones to far less.
      limits: { fileSize: deps.maxUploadBytes, files: 1, fields: MAX_FORM_FIELDS, fieldSize: MAX_REQUEST_FIELD_BYTES },
      streamHandler: limitForm({
        maxBodyBytes: deps.maxUploadBytes + FORM_ALLOWANCE,
        fileField: field,
        maxFileBytes: deps.maxUploadBytes,
        keptField: 'request',
        maxIgnoredFieldBytes: MAX_IGNORED_FIELD_BYTES,
      }),
    };
    return multer(options).fields([{ name: field, maxCount: 1 }]);
  }

  function uploadHandler(kind: string, inputKind: InputKind, intake: Extract<Intake, { type: 'upload' }>, alsoRecords?: { records: string; both: IntakeProblem }) {
    return async (req: Request, res: Response) => {
      const file = (req.files as Record<string, UploadedFile[]> | undefined)?.[intake.field]?.[0];
      try {
        const body = parseRequestField(req.body?.request);
        const request = checkSubmission(deps.envelope, kind, body);
        if (alsoRecords && request[alsoRecords.records] !== undefined && request[alsoRecords.records] !== null) {
          throw new ApiError(alsoRecords.both.code, alsoRecords.both.message);
        }
        if (!file) throw new ApiError(intake.missing?.code ?? 'ATS-REQ-102', intake.missing?.message ?? `Invalid Input. ${intake.field} is missing`);
        const problem = intake.check?.(file.facts, request);
        if (problem) throw new ApiError(problem.code, problem.message);
        const { id } = await deps.requests.submit({
          kind,
          inputKind,
          request,
          upload: { path: file.path, size: file.facts.size, encrypted: file.encrypted, requestId: file.requestId },
          ...callerPart(res),
        });
        accepted(res, id, kind);
      } catch (err) {
        if (file) await deps.uploads.remove(file.path);
        throw err;
      }
    };
  }
  return router;
}

/**
 * The parsed JSON body, or undefined when none was sent (the body parser turns "nothing" into `{}`). Throws 422
 * ATS-REQ-102 for a body nested past the depth limit.
 */
export function bodyOf(req: Request): unknown {
  const length = req.headers['content-length'];
  const none = req.headers['transfer-encoding'] === undefined && (length === undefined || length === '0');
  return none ? undefined : withinDepth(req.body as unknown);
}

// MTS takes the whole envelope as the JSON text of the multipart field `request`; without it, MTS answers as for a
// missing body.
function parseRequestField(text: unknown): unknown {
  if (text === undefined || text === '') throw new ApiError('ATS-REQ-102', MISSING_BODY);
  if (typeof text !== 'string') throw new ApiError('ATS-REQ-102', 'Invalid Input. Form field request must be text', { schema: true });
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ApiError('ATS-REQ-102', 'Invalid Input. Form field request is not valid JSON', { schema: true });
  }
  return withinDepth(parsed);
}
