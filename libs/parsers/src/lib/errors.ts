/**
 * Every failure @mts/parsers throws is a `ParserError` (or its subclass `OdkError`) with a stable `code`.
 * Row-level problems are never thrown: they arrive as `{ lineNo, error: { code, message } }` records.
 *
 * @example
 * ```ts
 * try { for await (const r of pullOdkSubmissions(cfg)) use(r); }
 * catch (e) { if (e instanceof ParserError && e.retryable) scheduleRetry(); }
 * ```
 */
export class ParserError extends Error {
  override name = 'ParserError';
  readonly code: string;
  readonly retryable: boolean;

  constructor(code: string, message: string, options: { retryable?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable ?? false;
  }
}

/** Codes thrown as `ParserError` (not row-level): the caller's options or byte source are unusable. */
export type ParserErrorCode = 'PARSER_INVALID_OPTIONS' | 'PARSER_SOURCE_ERROR';

/**
 * Codes of row-level error records (`{ lineNo, error: { code } }`). Once released, a code never changes.
 * CSV codes start `CSV_`, JSON-array codes `JSON_`, NDJSON codes `NDJSON_`, ODK row codes `ODK_`.
 */
export const RECORD_ERROR_CODES = {
  CSV_EMPTY: 'the input has no header row (empty file)',
  CSV_DUPLICATE_HEADER: 'a header name occurs more than once; the first column with that name is used',
  CSV_TOO_FEW_FIELDS: 'the row has fewer fields than the header',
  CSV_TOO_MANY_FIELDS: 'the row has more fields than the header',
  CSV_INVALID_UTF8: 'the row contains bytes that are not valid UTF-8',
  CSV_INVALID_QUOTES: 'a quoted field has text after its closing quote',
  CSV_UNCLOSED_QUOTE: 'a quoted field is never closed (it runs to the end of the input)',
  CSV_RECORD_TOO_LARGE: 'a record exceeds maxRecordChars (default 16 Mi characters) and is skipped; one still open at the end of the input (unclosed quote) ends the stream',
  JSON_SYNTAX: 'the element or the document is not valid JSON',
  JSON_NOT_ARRAY: 'the document is not a JSON array',
  JSON_NOT_OBJECT: 'the array element is not an object',
  JSON_INVALID_UTF8: 'the element contains bytes that are not valid UTF-8',
  JSON_RECORD_TOO_LARGE: 'an element exceeds maxRecordChars (default 16 Mi characters) and is skipped',
  JSON_RECORD_TOO_DEEP: 'the element nests arrays/objects deeper than maxDepth (default 64)',
  NDJSON_SYNTAX: 'the line is not valid JSON',
  NDJSON_NOT_OBJECT: 'the line holds JSON that is not an object',
  NDJSON_INVALID_UTF8: 'the line contains bytes that are not valid UTF-8',
  NDJSON_RECORD_TOO_LARGE: 'the line exceeds maxRecordChars and is skipped',
  NDJSON_RECORD_TOO_DEEP: 'the line nests arrays/objects deeper than maxDepth (default 64)',
  ODK_NOT_OBJECT: 'a submission in value[] is not an object',
  ODK_RECORD_TOO_DEEP: 'a submission nests arrays/objects deeper than 64 levels',
  FORMIO_NOT_OBJECT: 'an item of the Form.io submission list is not an object',
  FORMIO_NO_DATA: 'a Form.io submission has no `data` object',
  FORMIO_RECORD_TOO_DEEP: "a Form.io submission's data nests arrays/objects deeper than 64 levels",
} as const;

/** A row-level error code. */
export type RecordErrorCode = keyof typeof RECORD_ERROR_CODES;

/**
 * Codes of `OdkError`. `mtsCode` carries MTS's code where one applies (ATS-REQ-018..023, in the 1.1 docs'
 * three-digit form; MTS's code emits `ATS-REQ-18`).
 */
export type OdkErrorCode =
  | 'ODK_CONFIG_BASEURL' // ATS-REQ-018
  | 'ODK_CONFIG_EMAIL' // ATS-REQ-019
  | 'ODK_CONFIG_PASSWORD' // ATS-REQ-020
  | 'ODK_CONFIG_PROJECTID' // ATS-REQ-021
  | 'ODK_CONFIG_FORMID' // ATS-REQ-022
  | 'ODK_NO_SUBMISSIONS' // ATS-REQ-023
  | 'ODK_CONFIG_INVALID'
  | 'ODK_AUTH_FAILED'
  | 'ODK_FORBIDDEN'
  | 'ODK_NOT_FOUND'
  | 'ODK_NOT_IMPLEMENTED'
  | 'ODK_REQUEST_REJECTED'
  | 'ODK_RATE_LIMITED'
  | 'ODK_SERVER_ERROR'
  | 'ODK_BAD_RESPONSE'
  | 'ODK_TIMEOUT'
  | 'ODK_NETWORK'
  | 'ODK_OUTBOUND_DENIED';

/**
 * A failure to pull from ODK Central: bad `odkconfig`, a refused login, an ODK problem answer
 * (`status`, `odkCode` such as 404.1), an unreadable answer, a timeout. Never holds credentials or tokens.
 *
 * @example
 * ```ts
 * catch (e) { if (e instanceof OdkError && e.code === 'ODK_NO_SUBMISSIONS') reply(400, e.mtsCode); }
 * ```
 */
export class OdkError extends ParserError {
  override name = 'OdkError';
  declare readonly code: OdkErrorCode;
  /** HTTP status of ODK's answer, when there was one. */
  readonly status?: number;
  /** ODK Central's problem code (`401.2`, `403.1`, `404.1`, `501.1`, …), when it sent one. */
  readonly odkCode?: number;
  /** MTS's error code for the same situation, when MTS has one (`ATS-REQ-018`..`ATS-REQ-023`). */
  readonly mtsCode?: string;

  constructor(
    code: OdkErrorCode,
    message: string,
    options: { retryable?: boolean; cause?: unknown; status?: number; odkCode?: number; mtsCode?: string } = {},
  ) {
    super(code, message, options);
    if (options.status !== undefined) this.status = options.status;
    if (options.odkCode !== undefined) this.odkCode = options.odkCode;
    if (options.mtsCode !== undefined) this.mtsCode = options.mtsCode;
  }
}

/** Codes of `JsonDocumentError` (thrown by `splitJsonDocument`). Once released, a code never changes. */
export type JsonDocumentErrorCode =
  | 'JSON_DOCUMENT_EMPTY' // no JSON value at all
  | 'JSON_DOCUMENT_SYNTAX' // not valid JSON
  | 'JSON_DOCUMENT_TRUNCATED' // ends inside a value
  | 'JSON_DOCUMENT_NOT_OBJECT' // valid JSON, but the root is not an object (see `valueType`)
  | 'JSON_DOCUMENT_HEAD_TOO_LARGE' // the document outside the streamed array exceeds maxHeadChars
  | 'JSON_DOCUMENT_ELEMENT_TOO_LARGE' // one array element exceeds maxElementChars
  | 'JSON_DOCUMENT_DUPLICATE_PATH' // the streamed array's key occurs again
  | 'JSON_DOCUMENT_TOO_DEEP' // arrays/objects nest deeper than maxDepth
  | 'JSON_DOCUMENT_INVALID_UTF8'; // bytes that are not UTF-8 (with invalidUtf8: 'error')

/**
 * The document given to `splitJsonDocument` cannot be split: see {@link JsonDocumentErrorCode}. The message never
 * quotes the document.
 *
 * @example
 * ```ts
 * catch (e) { if (e instanceof JsonDocumentError && e.code === 'JSON_DOCUMENT_HEAD_TOO_LARGE') reply(413); }
 * ```
 */
export class JsonDocumentError extends ParserError {
  override name = 'JsonDocumentError';
  declare readonly code: JsonDocumentErrorCode;
  /** For `JSON_DOCUMENT_NOT_OBJECT`: what the root is. */
  readonly valueType?: 'array' | 'string' | 'number' | 'boolean' | 'null';

  constructor(code: JsonDocumentErrorCode, message: string, options: { valueType?: JsonDocumentError['valueType'] } = {}) {
    super(code, message);
    if (options.valueType !== undefined) this.valueType = options.valueType;
  }
}

/** Codes of `SheetsError`. Once released, a code never changes. */
export type SheetsErrorCode =
  | 'SHEETS_CONFIG_INVALID' // sheetsconfig fails @mts/envelope's checkSheetsConfig (mtsCode ATS-REQ-040..048)
  | 'SHEETS_AUTH_FAILED' // the token endpoint refused the service account, a bearer token was refused, or the API key is invalid
  | 'SHEETS_PERMISSION_DENIED' // 403: the sheet is not shared with the service account, or not public for an API key
  | 'SHEETS_NOT_FOUND' // 404: no such spreadsheet
  | 'SHEETS_BAD_RANGE' // 400: the range names no sheet, or cannot be read
  | 'SHEETS_REQUEST_REJECTED' // another 4xx
  | 'SHEETS_EMPTY' // the range holds no rows (mtsCode ATS-REQ-049)
  | 'SHEETS_NO_HEADER' // header: true and the range's first row is empty (mtsCode ATS-REQ-049)
  | 'SHEETS_RATE_LIMITED' // 429 (retryable)
  | 'SHEETS_SERVER_ERROR' // 5xx (retryable)
  | 'SHEETS_BAD_RESPONSE' // an answer that is not the documented JSON
  | 'SHEETS_TIMEOUT' // no answer in time (retryable)
  | 'SHEETS_NETWORK' // not reachable (retryable)
  | 'SHEETS_OUTBOUND_DENIED'; // the outbound policy refused the address

/**
 * A failure to read a Google sheet: an unusable `sheetsconfig`, refused credentials, a Google error answer
 * (`status`, Google's `googleStatus` such as PERMISSION_DENIED), an empty sheet, a timeout. Never holds keys or tokens.
 *
 * @example
 * ```ts
 * catch (e) { if (e instanceof SheetsError && e.retryable) scheduleRetry(); }
 * ```
 */
export class SheetsError extends ParserError {
  override name = 'SheetsError';
  declare readonly code: SheetsErrorCode;
  /** HTTP status of Google's answer, when there was one. */
  readonly status?: number;
  /** Google's `error.status` (`PERMISSION_DENIED`, `NOT_FOUND`, …) or the OAuth `error` (`invalid_grant`). */
  readonly googleStatus?: string;
  /** The ATS-REQ code for the same problem, where there is one (ATS-REQ-040..049). */
  readonly mtsCode?: string;

  constructor(
    code: SheetsErrorCode,
    message: string,
    options: { retryable?: boolean; cause?: unknown; status?: number; googleStatus?: string; mtsCode?: string } = {},
  ) {
    super(code, message, options);
    if (options.status !== undefined) this.status = options.status;
    if (options.googleStatus !== undefined) this.googleStatus = options.googleStatus;
    if (options.mtsCode !== undefined) this.mtsCode = options.mtsCode;
  }
}

/**
 * Codes of `FormioError`. `FORMIO_CONFIG_INVALID` carries the envelope's `mtsCode` (ATS-REQ-050..059).
 * Retryable (`retryable: true`): `FORMIO_RATE_LIMITED`, `FORMIO_SERVER_ERROR`, `FORMIO_TIMEOUT`, `FORMIO_NETWORK`.
 */
export type FormioErrorCode =
  | 'FORMIO_CONFIG_INVALID'
  | 'FORMIO_AUTH_FAILED' // login refused, 400 Bad Token, 401, or 440 again right after a fresh login
  | 'FORMIO_FORM_NOT_FOUND' // 404
  | 'FORMIO_FORBIDDEN' // 403
  | 'FORMIO_REQUEST_REJECTED' // any other 4xx, or a redirect
  | 'FORMIO_RATE_LIMITED' // 429
  | 'FORMIO_SERVER_ERROR' // 5xx
  | 'FORMIO_BAD_RESPONSE' // not a JSON array, no token after login, a page that is not the one asked for
  | 'FORMIO_NO_SUBMISSIONS' // nothing to pull (drafts only, or none at all)
  | 'FORMIO_TIMEOUT'
  | 'FORMIO_NETWORK'
  | 'FORMIO_OUTBOUND_DENIED';

/**
 * A failure to pull from Form.io: a bad `formioconfig`, refused credentials, an unknown form, an unreadable answer,
 * a timeout. Never holds credentials, tokens or submission data.
 *
 * @example
 * ```ts
 * catch (e) { if (e instanceof FormioError && e.code === 'FORMIO_AUTH_FAILED') tellTheCaller(e.status); }
 * ```
 */
export class FormioError extends ParserError {
  override name = 'FormioError';
  declare readonly code: FormioErrorCode;
  /** HTTP status of Form.io's answer, when there was one. */
  readonly status?: number;
  /** The envelope's code for a config problem (ATS-REQ-050..059). */
  readonly mtsCode?: string;

  constructor(code: FormioErrorCode, message: string, options: { retryable?: boolean; cause?: unknown; status?: number; mtsCode?: string } = {}) {
    super(code, message, options);
    if (options.status !== undefined) this.status = options.status;
    if (options.mtsCode !== undefined) this.mtsCode = options.mtsCode;
  }
}
