import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { ENVELOPE_SCHEMAS, type EnvelopeKind } from './envelope-schemas.js';
import { isMtsRequestTime } from './request-time.js';
import { compileOutputFormat } from './output-format.js';
import { checkCallbackProperties, checkOdkConfig, issue, truthy, type OdkCodeStyle } from './envelope-rules.js';

/** One problem with a request envelope, as MTS reports it. */
export interface EnvelopeIssue {
  errorCode: string;
  errorMessage: string;
  httpStatus: number;
}

export interface ValidateEnvelopeOptions {
  /** How ATS-REQ-018..023 are spelled: `'mts'` (default) as MTS 1.1.0 sends them (`ATS-REQ-18`), or `'padded'`. */
  odkCodes?: OdkCodeStyle;
  /**
   * Compiles a non-empty `outputFormat`; a throw means ATS-REQ-103. Default: this package's `compileOutputFormat`;
   * `null` checks `outputFormat` for type only.
   */
  compileOutputFormat?: ((expression: string) => unknown) | null;
}

/**
 * Validates an MTS request envelope and returns its issues, `[]` when it is valid.
 *
 * Order and precedence follow MTS: the first MTS rule that fails (400: requesttime, output, deliverytype,
 * outputFormat 103, callbackProperties 024–034, authdata) is the only issue; otherwise every schema error is one 422
 * `ATS-REQ-102` "Invalid Input. …"; then, for odk, the ODK checks (400, ATS-REQ-018..022). For `csv`, `body` is the
 * `request` form field, as a string or already parsed. Messages name fields, never their values.
 *
 * @example
 * ```ts
 * const issues = validateEnvelope('json', req.body);
 * if (issues.length) return res.status(issues[0].httpStatus).json(errorEnvelope(issues));
 * ```
 */
export function validateEnvelope(kind: EnvelopeKind, body: unknown, options: ValidateEnvelopeOptions = {}): EnvelopeIssue[] {
  if (body === undefined || body === null || body === '') return [issue('ATS-REQ-102', 'invalid input. missing request body')];
  let envelope = body;
  if (kind === 'csv' && typeof body === 'string') {
    try {
      envelope = JSON.parse(body);
    } catch {
      return [{ errorCode: 'ATS-REQ-102', errorMessage: 'Invalid Input. Invalid JSON', httpStatus: 422 }];
    }
  }
  const ruleIssue = firstRuleIssue(kind, envelope, options);
  if (ruleIssue) return [ruleIssue];
  const validate = validator(kind);
  if (!validate(envelope)) return schemaIssues(validate.errors ?? []);
  if (kind === 'odk') {
    const odk = checkOdkConfig((envelope as { request: { odkconfig: Record<string, unknown> } }).request.odkconfig, options.odkCodes ?? 'mts');
    if (odk) return [odk];
  }
  return [];
}

/** MTS's 400 rules in its field order; each is skipped when the value has the wrong shape (a schema error says so). */
function firstRuleIssue(kind: EnvelopeKind, envelope: unknown, options: ValidateEnvelopeOptions): EnvelopeIssue | null {
  if (!isObject(envelope)) return null;
  if (envelope.requesttime !== undefined && !isMtsRequestTime(envelope.requesttime)) {
    return issue('ATS-REQ-102', 'invalid input. requesttime is not in valid format');
  }
  const request = envelope.request;
  if (!isObject(request)) return null;
  if (kind === 'sync') {
    return request.authdata === undefined || request.authdata === null ? issue('ATS-REQ-102', 'invalid input. authdata missing') : null;
  }
  if (request.output !== undefined) {
    if (!truthy(request.output)) return issue('ATS-REQ-102', 'invalid input. output type is not mentioned');
    if (request.output !== 'json' && request.output !== 'csv') return issue('ATS-REQ-102', 'invalid input. output type is not supported');
  }
  if (request.deliverytype !== undefined) {
    if (!truthy(request.deliverytype)) return issue('ATS-REQ-102', 'invalid input. delivery type is not mentioned');
    if (request.deliverytype !== 'download' && request.deliverytype !== 'callback') {
      return issue('ATS-REQ-102', 'invalid input. delivery type is not supported');
    }
  }
  const format = request.outputFormat;
  const compile = options.compileOutputFormat === undefined ? compileOutputFormat : options.compileOutputFormat;
  if (typeof format === 'string' && format !== '' && compile) {
    try {
      compile(format);
    } catch {
      return issue('ATS-REQ-103', 'outputFormat is not a valid jq expression');
    }
  }
  if (request.deliverytype === 'callback') {
    const callback = checkCallbackProperties(request.callbackProperties, request.output);
    if (callback) return callback;
  }
  if (kind === 'json') {
    const data = request.authdata;
    if (data === undefined || data === null || (Array.isArray(data) && data.length === 0)) return issue('ATS-REQ-102', 'invalid input. authdata missing');
  }
  return null;
}

const ajv = new Ajv({ allErrors: true, allowUnionTypes: true, strict: true });
// pydantic's AnyUrl: a scheme, `://` and a host.
ajv.addFormat('uri', (s: string) => /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s/?#]+/.test(s) && URL.canParse(s));
const compiled = new Map<EnvelopeKind, ValidateFunction>();

function validator(kind: EnvelopeKind): ValidateFunction {
  let v = compiled.get(kind);
  if (v === undefined) {
    v = ajv.compile(ENVELOPE_SCHEMAS[kind]);
    compiled.set(kind, v);
  }
  return v;
}

/** ajv errors → MTS's 422 issues, one per error, in pydantic's words where MTS callers know them. */
function schemaIssues(errors: ErrorObject[]): EnvelopeIssue[] {
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

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
