/**
 * POST authtoken/formio: `request.formioconfig`, its schema and its checks (ATS-REQ-050..059), in one file so the
 * Form.io input owns its whole part of the envelope.
 */
import { isHttpUrl, isObject, issue } from './envelope-rules.js';
import type { EnvelopeIssue, InputEnvelopePart, JsonSchema } from './parts.js';

/** Largest `formioconfig.pageSize` (and the smallest is 1); the default is {@link FORMIO_DEFAULT_PAGE_SIZE}. */
export const FORMIO_MAX_PAGE_SIZE = 1000;
/** Submissions asked for per page when `formioconfig.pageSize` is not given. */
export const FORMIO_DEFAULT_PAGE_SIZE = 100;

/** The codes of `formioconfig` problems, each a 400 with the message below (messages never quote values). */
export const FORMIO_CONFIG_ERRORS = {
  missing: { code: 'ATS-REQ-050', message: 'formioconfig is missing' },
  baseurl: { code: 'ATS-REQ-051', message: 'formioconfig.baseurl must be the http(s) URL of the Form.io project, without credentials' },
  form: { code: 'ATS-REQ-052', message: 'formioconfig needs exactly one of formPath and formId' },
  authType: { code: 'ATS-REQ-053', message: 'formioconfig.auth.type must be "login" or "apiKey"' },
  login: { code: 'ATS-REQ-054', message: 'formioconfig.auth needs a non-empty email and password for type login' },
  apiKey: { code: 'ATS-REQ-055', message: 'formioconfig.auth needs a non-empty apiKey for type apiKey' },
  date: { code: 'ATS-REQ-056', message: 'formioconfig.startdate and enddate must be ISO 8601 dates or date-times' },
  dateOrder: { code: 'ATS-REQ-057', message: 'formioconfig.enddate must be after startdate' },
  pageSize: { code: 'ATS-REQ-058', message: `formioconfig.pageSize must be an integer from 1 to ${FORMIO_MAX_PAGE_SIZE}` },
  formRef: { code: 'ATS-REQ-059', message: 'formioconfig.formPath or formId is not a form path or id (no query, fragment, "." or ".." segments)' },
} as const;

const optStr = { type: ['string', 'null'] } as const;

/** The JSON schema of `formioconfig` (shape only: the rules are {@link checkFormioConfig}). */
export const formioConfigSchema: JsonSchema = {
  type: 'object',
  description:
    'A Form.io project and form to pull submissions from: baseurl (the project URL), formPath or formId (exactly one), ' +
    'auth ({type:"login",email,password} or {type:"apiKey",apiKey}), optional startdate/enddate on `created` ' +
    `(ISO 8601; startdate inclusive, enddate exclusive) and pageSize (1..${FORMIO_MAX_PAGE_SIZE}, default ${FORMIO_DEFAULT_PAGE_SIZE}). ` +
    'Records are each submission\'s `data`: map with paths relative to it (e.g. applicant.name, addresses[0].city).',
  properties: {
    baseurl: optStr,
    formPath: optStr,
    formId: optStr,
    auth: {
      type: ['object', 'null'],
      properties: { type: optStr, email: optStr, password: optStr, apiKey: optStr },
    },
    startdate: optStr,
    enddate: optStr,
    pageSize: { type: ['number', 'null'], default: FORMIO_DEFAULT_PAGE_SIZE },
  },
};

const present = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * An ISO 8601 date or date-time as an instant (ms), or `NaN`: the forms ODK's startdate/enddate take
 * (`2024-01-01`, `2024-01-01T10:00`, `…:30.5Z`, `…+05:30`, `…+0530`, a space for the `T`); no zone means UTC.
 *
 * @example
 * ```ts
 * parseIsoInstant('2024-01-01');            // Date.UTC(2024, 0, 1)
 * parseIsoInstant('2024-02-30');            // NaN (no such day)
 * ```
 */
export function parseIsoInstant(text: string): number {
  const t = text.trim();
  const m = ISO.exec(t);
  if (!m) return Number.NaN;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  // Date.parse takes Feb 30; a date that does not exist is a typo worth reporting.
  if (mo < 1 || mo > 12 || d < 1 || d > new Date(Date.UTC(y, mo, 0)).getUTCDate()) return Number.NaN;
  let normal = t.replace(' ', 'T');
  if (m[4] === undefined) normal += 'T00:00:00Z';
  else if (m[7] === undefined) normal += 'Z';
  else normal = normal.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  return Date.parse(normal);
}

/** A form path (`registration`, `forms/registration`) or id: no query, fragment, backslash, or dot segments. */
function isFormRef(text: string): boolean {
  if (/[?#\\\s]/.test(text)) return false;
  const segments = text.replace(/^\/+|\/+$/g, '').split('/');
  return segments.every((s) => s !== '' && s !== '.' && s !== '..');
}

/**
 * The first problem of a `formioconfig`, or null: made at submission, before any pull, in the order of
 * {@link FORMIO_CONFIG_ERRORS}' codes (050 missing, 051 baseurl, 052/059 the form, 053..055 auth, 056/057 dates,
 * 058 pageSize).
 *
 * @example
 * ```ts
 * checkFormioConfig({ baseurl: 'https://x.form.io', formPath: 'reg', auth: { type: 'apiKey' } });
 * // { errorCode: 'ATS-REQ-055', errorMessage: 'formioconfig.auth needs a non-empty apiKey for type apiKey', httpStatus: 400 }
 * ```
 */
export function checkFormioConfig(config: unknown): EnvelopeIssue | null {
  const fail = (e: { code: string; message: string }) => issue(e.code, e.message);
  if (!isObject(config) || Object.keys(config).length === 0) return fail(FORMIO_CONFIG_ERRORS.missing);
  const { baseurl, formPath, formId, auth, startdate, enddate, pageSize } = config;
  if (!present(baseurl) || !isHttpUrl(baseurl) || /^[a-z]+:\/\/[^/]*@/i.test(baseurl) || /[?#]/.test(baseurl)) {
    return fail(FORMIO_CONFIG_ERRORS.baseurl);
  }
  if (present(formPath) === present(formId)) return fail(FORMIO_CONFIG_ERRORS.form);
  if (!isFormRef((present(formPath) ? formPath : formId) as string)) return fail(FORMIO_CONFIG_ERRORS.formRef);
  if (!isObject(auth) || (auth.type !== 'login' && auth.type !== 'apiKey')) return fail(FORMIO_CONFIG_ERRORS.authType);
  if (auth.type === 'login' && (!present(auth.email) || typeof auth.password !== 'string' || auth.password === '')) {
    return fail(FORMIO_CONFIG_ERRORS.login);
  }
  if (auth.type === 'apiKey' && !present(auth.apiKey)) return fail(FORMIO_CONFIG_ERRORS.apiKey);
  const dates = [startdate, enddate].map((d) => (d === undefined || d === null || d === '' ? undefined : d));
  for (const d of dates) if (d !== undefined && (typeof d !== 'string' || Number.isNaN(parseIsoInstant(d)))) return fail(FORMIO_CONFIG_ERRORS.date);
  const [from, to] = dates as (string | undefined)[];
  if (from !== undefined && to !== undefined && parseIsoInstant(to) <= parseIsoInstant(from)) return fail(FORMIO_CONFIG_ERRORS.dateOrder);
  if (pageSize !== undefined && pageSize !== null) {
    if (typeof pageSize !== 'number' || !Number.isInteger(pageSize) || pageSize < 1 || pageSize > FORMIO_MAX_PAGE_SIZE) {
      return fail(FORMIO_CONFIG_ERRORS.pageSize);
    }
  }
  return null;
}

/**
 * POST authtoken/formio: the worker pulls the submissions of a Form.io form with `request.formioconfig`.
 * A missing or empty config is ATS-REQ-050 (before the schema, so it is a 400 with its own code); the rest of the
 * rules run once the envelope has its shape.
 */
export const formioInput: InputEnvelopePart<'formio'> = {
  kind: 'formio',
  key: 'formioconfig',
  schema: formioConfigSchema,
  rule: (config) =>
    config === undefined || config === null || (isObject(config) && Object.keys(config).length === 0)
      ? [issue(FORMIO_CONFIG_ERRORS.missing.code, FORMIO_CONFIG_ERRORS.missing.message)]
      : [],
  check: (config) => {
    const found = checkFormioConfig(config);
    return found ? [found] : [];
  },
};
