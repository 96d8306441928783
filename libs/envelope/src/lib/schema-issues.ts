import type { ErrorObject } from 'ajv';
import type { EnvelopeIssue } from './parts.js';

/** ajv errors → MTS's 422 issues, one per error, in pydantic's words where MTS callers know them. Values are never quoted. */
export function schemaIssues(errors: readonly ErrorObject[]): EnvelopeIssue[] {
  const out: EnvelopeIssue[] = [];
  for (const e of errors) {
    if (e.keyword === 'if' || e.schemaPath.includes('/anyOf/')) continue;
    let loc = e.instancePath
      .split('/')
      .slice(1)
      .map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'))
      .join('.');
    if (e.keyword === 'required') loc = loc ? `${loc}.${e.params.missingProperty}` : String(e.params.missingProperty);
    const detail = schemaMessage(e);
    out.push({ errorCode: 'ATS-REQ-102', errorMessage: `Invalid Input. ${loc ? `${loc}: ` : ''}${detail}`, httpStatus: 422 });
  }
  return out;
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
