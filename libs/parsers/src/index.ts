// Public API of @mts/parsers: every export is named here.
export type { ParsedRecord, ByteSource, TextParseOptions } from './lib/types.js';
export { ParserError, OdkError, FormioError, JsonDocumentError, RECORD_ERROR_CODES } from './lib/errors.js';
export type { ParserErrorCode, OdkErrorCode, FormioErrorCode, RecordErrorCode, JsonDocumentErrorCode } from './lib/errors.js';
export { DEFAULT_MAX_DEPTH, exceedsJsonDepth } from './lib/json-depth.js';
export { parseCsv } from './lib/csv.js';
export type { CsvParseOptions } from './lib/csv.js';
export { parseJsonArray } from './lib/json-array.js';
export { parseNdjson } from './lib/ndjson.js';
export { splitJsonDocument } from './lib/json-document.js';
export type { SplitJsonDocumentOptions, JsonDocumentPart } from './lib/json-document.js';
export { pullOdkSubmissions } from './lib/odk-pull.js';
export type { OdkPullOptions } from './lib/odk-pull.js';
export { planOdkPull } from './lib/odk-config.js';
export type { OdkPlan } from './lib/odk-config.js';
export { pullFormioSubmissions, planFormioPull } from './lib/formio-pull.js';
export type { FormioPullOptions, FormioPlan } from './lib/formio-pull.js';
