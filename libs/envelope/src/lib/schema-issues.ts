import type { ErrorObject } from 'ajv';
import type { EnvelopeIssue } from './parts.js';

/**
 * Schema issues listed in one answer at most; the rest are one summary entry. Each entry costs the server work and
 * the caller bytes, and a body of many bad values (`"authdata":[1,1,1,…]`) would otherwise be answered with one
 * entry per value.
 */
export const MAX_SCHEMA_ISSUES = 100;

const SUMMARY = /^Invalid Input\. (\d+) more issues not listed$/;

/**
 * ajv errors → MTS's 422 issues, in pydantic's words where MTS callers know them, the first
 * {@link MAX_SCHEMA_ISSUES} listed and the rest counted in one summary entry. Values are never quoted.
 */
export function schemaIssues(errors: readonly ErrorObject[]): EnvelopeIssue[] {
  const out: EnvelopeIssue[] = [];
  let unlisted = 0;
  for (const e of errors) {
    if (e.keyword === 'if' || e.schemaPath.includes('/anyOf/')) continue;
    if (out.length === MAX_SCHEMA_ISSUES) unlisted++;
    else out.push(schemaIssue(e));
  }
  return unlisted > 0 ? [...out, unlistedIssue(unlisted)] : out;
}

/**
 * Caps a list of 422 issues as {@link schemaIssues} does: the first {@link MAX_SCHEMA_ISSUES}, then one entry
 * counting the rest, `unlisted` more, and any summary entry already in the list.
 *
 * @example
 * ```ts
 * capSchemaIssues(manyIssues, 5).at(-1)?.errorMessage; // 'Invalid Input. 1005 more issues not listed'
 * ```
 */
export function capSchemaIssues(issues: readonly EnvelopeIssue[], unlisted = 0): EnvelopeIssue[] {
  const listed: EnvelopeIssue[] = [];
  let more = unlisted;
  for (const i of issues) {
    const summary = SUMMARY.exec(i.errorMessage);
    if (summary && i.errorCode === 'ATS-REQ-102') more += Number(summary[1]);
    else if (listed.length === MAX_SCHEMA_ISSUES) more++;
    else listed.push(i);
  }
  return more > 0 ? [...listed, unlistedIssue(more)] : listed;
}

/** The entry that stands for the issues not listed (still ATS-REQ-102 422, so callers matching on code see no new one). */
function unlistedIssue(count: number): EnvelopeIssue {
  return { errorCode: 'ATS-REQ-102', errorMessage: `Invalid Input. ${count} more issues not listed`, httpStatus: 422 };
}

function schemaIssue(e: ErrorObject): EnvelopeIssue {
  let loc = e.instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'))
    .join('.');
  if (e.keyword === 'required') loc = loc ? `${loc}.${e.params.missingProperty}` : String(e.params.missingProperty);
  return { errorCode: 'ATS-REQ-102', errorMessage: `Invalid Input. ${loc ? `${loc}: ` : ''}${schemaMessage(e)}`, httpStatus: 422 };
}

const TYPE_MESSAGES: Record<string, string> = {
  string: 'str type expected',
  array: 'value is not a valid list',
  object: 'value is not a valid dict',
  boolean: 'value could not be parsed to a boolean',
  number: 'value is not a valid number',
  integer: 'value is not a valid integer',
};

function schemaMessage(e: ErrorObject): string {
  switch (e.keyword) {
    case 'required':
      return 'field required';
    case 'type': {
      const types = String(e.params.type).split(',').filter((t) => t !== 'null');
      return types.length === 1 ? (TYPE_MESSAGES[types[0]] ?? `must be ${types[0]}`) : `must be ${types.join(' or ')}`;
    }
    case 'format':
      return 'invalid or missing URL scheme';
    case 'anyOf':
      return 'must be a jq expression string, false or null';
    case 'enum':
      return `value is not a valid enumeration member; permitted: ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return e.message ?? 'invalid value';
  }
}
