import { randomUUID } from 'node:crypto';
import type { StandinSubmission } from './types.js';

/** A submission as stored: its Central-shaped row plus what the server needs to find and sort it. */
export interface StoredSubmission {
  projectId: number;
  xmlFormId: string;
  seq: number;
  row: Record<string, unknown> & { __id: string; __system: Record<string, unknown> };
}

/**
 * Shapes a seed like a row of Central's OData Submissions feed: `__id`, the form fields (groups nested,
 * repeats as navigation links), `meta.instanceID`, then `__system`.
 */
export function toStored(seed: StandinSubmission, seq: number, now: Date): StoredSubmission {
  const instanceId = seed.instanceId ?? `uuid:${randomUUID()}`;
  const fields = shapeFields(seed.fields, `Submissions('${instanceId}')`);
  const meta = { ...(isPlainObject(fields.meta) ? fields.meta : {}), instanceID: instanceId };
  const row = {
    __id: instanceId,
    ...fields,
    meta,
    __system: {
      submissionDate: seed.submissionDate ?? now.toISOString(),
      updatedAt: seed.updatedAt ?? null,
      deletedAt: null,
      submitterId: seed.submitterId ?? '5',
      submitterName: seed.submitterName ?? 'Field Enumerator',
      attachmentsPresent: 0,
      attachmentsExpected: 0,
      status: null,
      reviewState: seed.reviewState ?? null,
      deviceId: seed.deviceId ?? null,
      edits: 0,
      formVersion: seed.formVersion ?? '1',
    },
  };
  return { projectId: seed.projectId ?? 1, xmlFormId: seed.xmlFormId, seq, row };
}

function shapeFields(fields: Record<string, unknown>, navBase: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fields)) {
    const key = sanitizeName(name);
    if (Array.isArray(value)) out[`${key}@odata.navigationLink`] = `${navBase}/${key}`;
    else if (isPlainObject(value)) out[key] = shapeFields(value, `${navBase}/${key}`);
    else out[key] = value;
  }
  return out;
}

/** Central's OData name rule: a leading character other than a letter or `_` gets a `_` before it, then
 * every character outside [A-Za-z0-9_] becomes `_`. */
export function sanitizeName(name: string): string {
  return name.replace(/^([^A-Za-z_])/, '_$1').replace(/[^A-Za-z0-9_]/g, '_');
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
