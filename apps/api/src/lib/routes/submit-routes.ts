import express, { Router, type Request, type Response } from 'express';
import multer from 'multer';
import { ApiError } from '../errors.js';
import { sendOk } from '../envelope.js';
import { checkSubmission } from '../validation.js';
import { multerUploadEngine, type UploadFacts } from '../upload-storage.js';
import { receiveJsonSubmission } from '../json-submission.js';
import type { EnvelopePort, RequestsPort, UploadStorage } from '../ports.js';
import type { Logger } from '../logger.js';

/** What the submission routes need. */
export interface SubmitRoutesDeps {
  requests: RequestsPort;
  uploads: UploadStorage;
  envelope: EnvelopePort;
  logger: Logger;
  maxUploadBytes: number;
  maxJsonBytes: number;
  /** Largest authtoken/json envelope without its authdata, in characters. Default 1 Mi. */
  maxHeadChars?: number;
}

type UploadedFile = Express.Multer.File & { facts: UploadFacts; encrypted: boolean; requestId?: string };

/**
 * POST authtoken/json | csv | odk. Each persists its input and returns the id at once: records are mapped,
 * authenticated (and ODK pulled) by the worker, so validation here covers the envelope only.
 */
export function submitRoutes(deps: SubmitRoutesDeps): Router {
  const router = Router();
  const json = express.json({ limit: deps.maxJsonBytes, type: () => true });
  const accepted = (res: Response, id: string, kind: string) => {
    deps.logger.info('request accepted', { requestId: id, kind });
    sendOk(res, { request_identifier: id });
  };

  // Streamed, not express.json: a body of many MB would otherwise sit whole in the heap (see json-submission.ts).
  router.post('/authtoken/json', async (req: Request, res: Response) => {
    const { request, upload, authdata } = await receiveJsonSubmission(req, deps);
    try {
      const { id } = await deps.requests.submit(upload ? { kind: 'json', request, upload } : { kind: 'json', request, authdata });
      accepted(res, id, 'json');
    } catch (err) {
      if (upload) await deps.requests.discardInput?.(upload.path);
      throw err;
    }
  });

  router.post('/authtoken/odk', json, async (req: Request, res: Response) => {
    const request = checkSubmission(deps.envelope, 'odk', bodyOf(req));
    const { id } = await deps.requests.submit({ kind: 'odk', request });
    accepted(res, id, 'odk');
  });

  const upload = multer({
    storage: multerUploadEngine(deps.uploads),
    limits: { fileSize: deps.maxUploadBytes, files: 1, fields: 4 },
  }).fields([{ name: 'csv_file', maxCount: 1 }]);

  router.post('/authtoken/csv', upload, async (req: Request, res: Response) => {
    const file = (req.files as Record<string, UploadedFile[]> | undefined)?.csv_file?.[0];
    try {
      const body = parseRequestField(req.body?.request);
      const request = checkSubmission(deps.envelope, 'csv', body);
      if (!file) throw new ApiError('ATS-REQ-102', 'Invalid Input. csv_file is missing');
      if (file.facts.binary) throw new ApiError('ATS-REQ-102', 'Invalid Input. csv_file is not UTF-8 text');
      if (file.facts.nonBlankLines === 0) throw new ApiError('ATS-REQ-102', 'Invalid Input. csv_file is empty');
      if (file.facts.nonBlankLines === 1) throw new ApiError('ATS-REQ-102', 'Invalid Input. csv_file has a header but no records');
      const { id } = await deps.requests.submit({
        kind: 'csv',
        request,
        upload: { path: file.path, size: file.facts.size, encrypted: file.encrypted, requestId: file.requestId },
      });
      accepted(res, id, 'csv');
    } catch (err) {
      if (file) await deps.uploads.remove(file.path);
      throw err;
    }
  });
  return router;
}

/** The parsed JSON body, or undefined when none was sent (the body parser turns "nothing" into `{}`). */
export function bodyOf(req: Request): unknown {
  const length = req.headers['content-length'];
  const none = req.headers['transfer-encoding'] === undefined && (length === undefined || length === '0');
  return none ? undefined : req.body;
}

// MTS takes the whole envelope as the JSON text of the multipart field `request`.
function parseRequestField(text: unknown): unknown {
  if (text === undefined || text === '') throw new ApiError('ATS-REQ-102', 'Invalid Input. Form field request is missing');
  if (typeof text !== 'string') throw new ApiError('ATS-REQ-102', 'Invalid Input. Form field request must be text', { schema: true });
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError('ATS-REQ-102', 'Invalid Input. Form field request is not valid JSON', { schema: true });
  }
}
