import { createPrivateKey } from 'node:crypto';
import { isHttpUrl, isObject, issue } from './envelope-rules.js';
import type { EnvelopeIssue, InputEnvelopePart, JsonSchema } from './parts.js';
import { parseA1Range } from './sheets-range.js';

/** The codes of `request.sheetsconfig` (ATS-REQ-040..049 are the Sheets input's range). */
export const SHEETS_CODES = {
  missingConfig: 'ATS-REQ-040',
  spreadsheetId: 'ATS-REQ-041',
  range: 'ATS-REQ-042',
  authType: 'ATS-REQ-043',
  apiKey: 'ATS-REQ-044',
  clientEmail: 'ATS-REQ-045',
  privateKey: 'ATS-REQ-046',
  url: 'ATS-REQ-047',
  valueRenderOption: 'ATS-REQ-048',
  /** Not a submission check: the code an empty sheet, or a range without a header row, ends the pull with. */
  emptySheet: 'ATS-REQ-049',
} as const;

/** The `valueRenderOption` values of `spreadsheets.values.get`. */
export const SHEETS_VALUE_RENDER_OPTIONS = ['FORMATTED_VALUE', 'UNFORMATTED_VALUE', 'FORMULA'] as const;

const optStr = { type: ['string', 'null'] };

/** JSON Schema of `request.sheetsconfig` (shape only; the values are checked by {@link checkSheetsConfig}). */
export const sheetsConfigSchema: JsonSchema = {
  type: 'object',
  description:
    'spreadsheetId and auth are required (ATS-REQ-040..048). range: A1 notation, default the first sheet; header: default true ' +
    '(false: columns are keys "0", "1", …); auth: { type: "apiKey", apiKey } | { type: "serviceAccount", clientEmail, privateKey, tokenUri? }.',
  properties: {
    spreadsheetId: optStr,
    range: optStr,
    header: { type: ['boolean', 'null'], default: true },
    valueRenderOption: { ...optStr, default: 'FORMATTED_VALUE' },
    baseurl: { ...optStr, default: 'https://sheets.googleapis.com' },
    auth: {
      type: ['object', 'null'],
      properties: { type: optStr, apiKey: optStr, clientEmail: optStr, privateKey: optStr, tokenUri: { ...optStr, default: 'https://oauth2.googleapis.com/token' } },
    },
  },
};

const present = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';

/** Whether `pem` is a PEM RSA private key that node:crypto can load (PKCS#8 or PKCS#1, unencrypted). */
function isRsaPrivateKey(pem: string): boolean {
  if (!pem.includes('-----BEGIN')) return false;
  try {
    return createPrivateKey({ key: pem, format: 'pem' }).asymmetricKeyType === 'rsa';
  } catch {
    return false;
  }
}

/**
 * The Sheets input's checks, in field order, made before any pull: the one place these rules live (the pull's
 * planner calls it again). Messages name the field, never its value.
 *
 * @example
 * ```ts
 * checkSheetsConfig({ spreadsheetId: 'abc', auth: { type: 'apiKey' } });
 * // { errorCode: 'ATS-REQ-044', errorMessage: 'sheetsconfig.auth.apiKey cannot be empty for auth type apiKey', httpStatus: 400 }
 * ```
 */
export function checkSheetsConfig(config: unknown): EnvelopeIssue | null {
  if (!isObject(config) || Object.keys(config).length === 0) return issue(SHEETS_CODES.missingConfig, 'sheetsconfig cannot be empty for POST authtoken/sheets');
  if (!present(config.spreadsheetId)) return issue(SHEETS_CODES.spreadsheetId, 'no sheetsconfig.spreadsheetId provided');
  if (!/^[A-Za-z0-9_-]+$/.test(config.spreadsheetId)) return issue(SHEETS_CODES.spreadsheetId, 'sheetsconfig.spreadsheetId must be a spreadsheet id (letters, digits, - and _)');
  if (config.range !== undefined && config.range !== null && !(typeof config.range === 'string' && parseA1Range(config.range))) {
    return issue(SHEETS_CODES.range, "sheetsconfig.range is not A1 notation (e.g. Sheet1, Sheet1!A1:F, 'My Sheet'!A:F)");
  }
  const render = config.valueRenderOption;
  if (render !== undefined && render !== null && !(SHEETS_VALUE_RENDER_OPTIONS as readonly unknown[]).includes(render)) {
    return issue(SHEETS_CODES.valueRenderOption, `sheetsconfig.valueRenderOption must be one of ${SHEETS_VALUE_RENDER_OPTIONS.join(', ')}`);
  }
  if (config.baseurl !== undefined && config.baseurl !== null && !(typeof config.baseurl === 'string' && isHttpUrl(config.baseurl))) {
    return issue(SHEETS_CODES.url, 'sheetsconfig.baseurl must be an http or https URL');
  }
  const auth = config.auth;
  if (!isObject(auth) || (auth.type !== 'apiKey' && auth.type !== 'serviceAccount')) {
    return issue(SHEETS_CODES.authType, 'sheetsconfig.auth.type must be apiKey or serviceAccount');
  }
  if (auth.type === 'apiKey') {
    return present(auth.apiKey) ? null : issue(SHEETS_CODES.apiKey, 'sheetsconfig.auth.apiKey cannot be empty for auth type apiKey');
  }
  if (!present(auth.clientEmail) || !auth.clientEmail.includes('@')) {
    return issue(SHEETS_CODES.clientEmail, 'sheetsconfig.auth.clientEmail must be the service account email for auth type serviceAccount');
  }
  if (!present(auth.privateKey)) return issue(SHEETS_CODES.privateKey, 'sheetsconfig.auth.privateKey cannot be empty for auth type serviceAccount');
  if (!isRsaPrivateKey(auth.privateKey)) return issue(SHEETS_CODES.privateKey, 'sheetsconfig.auth.privateKey is not a PEM RSA private key');
  if (auth.tokenUri !== undefined && auth.tokenUri !== null && !(typeof auth.tokenUri === 'string' && isHttpUrl(auth.tokenUri))) {
    return issue(SHEETS_CODES.url, 'sheetsconfig.auth.tokenUri must be an http or https URL');
  }
  return null;
}

const one = (i: EnvelopeIssue | null): readonly EnvelopeIssue[] => (i ? [i] : []);

/**
 * POST authtoken/sheets: the worker reads a Google sheet with `request.sheetsconfig` (ATS-REQ-040..048 at submission).
 * A missing or empty config is ATS-REQ-040 (400) before the schema; the values are checked once the shape is right.
 */
export const sheetsInput: InputEnvelopePart<'sheets'> = {
  kind: 'sheets',
  key: 'sheetsconfig',
  schema: sheetsConfigSchema,
  required: true,
  rule: (config) => (config === undefined || config === null || (isObject(config) && Object.keys(config).length === 0) ? one(checkSheetsConfig(config)) : []),
  check: (config) => one(checkSheetsConfig(config)),
};
