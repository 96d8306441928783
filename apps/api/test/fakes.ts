// In-test fakes for the ports whose real implementations live in other packages.
import { Readable } from 'node:stream';
import { randomUUID } from 'node:crypto';
import type { EnvelopeIssue, EnvelopePort, OutputView, RequestsPort, RequestStatusView, Submission } from '../src/index.js';

/** A tiny stand-in for @mts/envelope's validateEnvelope: only what these tests exercise. */
export const fakeEnvelope: EnvelopePort = {
  validate(kind, body) {
    const issues: EnvelopeIssue[] = [];
    const b = body as { request?: Record<string, unknown> };
    if (typeof b !== 'object' || !b || typeof b.request !== 'object' || b.request === null) {
      return [{ errorCode: 'ATS-REQ-102', errorMessage: 'Invalid Input. request: field required', httpStatus: 422 }];
    }
    const r = b.request;
    if (kind === 'sync') return Array.isArray(r.authdata) || typeof r.authdata !== 'object' ? [{ errorCode: 'ATS-REQ-102', errorMessage: 'Invalid Input. authdata', httpStatus: 422 }] : [];
    if (r.output !== 'json' && r.output !== 'csv') issues.push({ errorCode: 'ATS-REQ-102', errorMessage: 'output not supported', httpStatus: 400 });
    if (r.deliverytype !== 'download' && r.deliverytype !== 'callback') issues.push({ errorCode: 'ATS-REQ-102', errorMessage: 'deliverytype not supported', httpStatus: 400 });
    if (kind === 'json' && (!Array.isArray(r.authdata) || r.authdata.length === 0)) issues.push({ errorCode: 'ATS-REQ-102', errorMessage: 'Invalid Input. authdata', httpStatus: 422 });
    if (kind === 'odk') {
      const o = (r.odkconfig ?? {}) as Record<string, unknown>;
      if (!o.baseurl) issues.push({ errorCode: 'ATS-REQ-18', errorMessage: 'no odk baseurl provided', httpStatus: 400 });
      if (!o.email) issues.push({ errorCode: 'ATS-REQ-19', errorMessage: 'no email provided', httpStatus: 400 });
    }
    return issues;
  },
  compileOutputFormat(expression) {
    if (typeof expression === 'string' && expression.trim().endsWith('|')) throw Object.assign(new Error('bad jq'), { code: 'ATS-REQ-103' });
    return () => null;
  },
};

/** An in-memory RequestsPort recording what it was given. */
export function fakeRequests() {
  const submitted: (Submission & { id: string })[] = [];
  const states = new Map<string, { view: RequestStatusView; output?: { kind: 'json' | 'csv'; text: string } }>();
  const port: RequestsPort = {
    async submit(submission) {
      const id = submission.upload?.requestId ?? `00${randomUUID().slice(2)}`;
      submitted.push({ ...submission, id });
      states.set(id, { view: { status: 'submitted', counts: { total: 0, processed: 0, error: 0, invalid: 0 }, eta: null } });
      return { id };
    },
    async status(id) {
      return states.get(id)?.view ?? null;
    },
    async output(id): Promise<OutputView | null> {
      const state = states.get(id);
      if (!state) return null;
      const out = state.output;
      return {
        status: state.view.status,
        ready: out !== undefined,
        output: out?.kind ?? 'json',
        open: async () => Readable.from([out!.text]),
      };
    },
  };
  const finish = (id: string, kind: 'json' | 'csv', text: string) => {
    states.set(id, { view: { status: 'processed', counts: { total: 1, processed: 1, error: 0, invalid: 0 }, eta: null }, output: { kind, text } });
  };
  return { port, submitted, finish };
}
