import { formioInput } from '@mts/envelope';
import { pullFormioSubmissions } from '@mts/parsers';
import type { InputSource } from '../source.js';

/**
 * POST authtoken/formio: the worker pulls the submissions of a Form.io form with `request.formioconfig`; each
 * record is a submission's `data`, so mapping paths are relative to it (`applicant.name`, `addresses[0].city`).
 */
export const formioSource: InputSource<'formio'> = {
  kind: 'formio',
  storedAs: ['formio'],
  envelope: formioInput,
  intake: { type: 'pull' },
  // Checked at submission, so always there; the pull's own check still fails cleanly (FORMIO_CONFIG_INVALID) if not.
  read: (ctx) => pullFormioSubmissions(ctx.config.formioconfig!, { ...(ctx.fetch ? { fetch: ctx.fetch } : {}), ...(ctx.signal ? { signal: ctx.signal } : {}) }),
};
