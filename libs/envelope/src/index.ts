// Public API of @mts/envelope: every export is named here.

// the contract, as types
export type {
  CallbackAuthType,
  CallbackProperties,
  DeliveryType,
  FieldPath,
  FormioAuth,
  FormioConfig,
  MappingSpec,
  OdkConfig,
  OutputType,
  RequestConfig,
  SeedRequest,
  SeedRequestFields,
  SheetsApiKeyAuth,
  SheetsConfig,
  SheetsServiceAccountAuth,
  SyncSeedRequest,
  VcConfig,
  VcTrustedIssuer,
} from './lib/types.js';
export { toRequestConfig } from './lib/request-config.js';

// deliverytype websub (integrations §4): its part of the envelope
export type { WebsubProperties } from './lib/websub.js';
export { websubDelivery, websubPropertiesSchema, checkWebsubProperties, WEBSUB_CODES, WEBSUB_FORBIDDEN_HEADERS } from './lib/websub.js';

// validation: the MTS envelope, and parts to compose another
export { validateEnvelope, ENVELOPE_SCHEMAS, jsonEnvelopeSchema, csvEnvelopeSchema, odkEnvelopeSchema, syncEnvelopeSchema } from './lib/validate-envelope.js';
export { createEnvelopeValidator } from './lib/create-validator.js';
export type { EnvelopeValidator, EnvelopeValidatorOptions } from './lib/create-validator.js';
export type {
  DeliveryEnvelopePart,
  EnvelopeIssue,
  EnvelopePart,
  InputEnvelopePart,
  JsonSchema,
  OdkCodeStyle,
  PartCheck,
  ValidateEnvelopeOptions,
} from './lib/parts.js';
export { MTS_INPUTS, MTS_DELIVERIES, jsonInput, csvInput, odkInput, syncInput, downloadDelivery, callbackDelivery } from './lib/mts-parts.js';
export type { EnvelopeKind } from './lib/mts-parts.js';
export { mappingSchema, callbackPropertiesSchema, odkConfigSchema, buildEnvelopeSchema } from './lib/envelope-schemas.js';
export type { EnvelopeSchemaParts } from './lib/envelope-schemas.js';
export { CALLBACK_MAX_TIMEOUT_SECONDS, checkCallbackProperties, checkCsvDelimiter, checkCsvHeader, checkOdkConfig, isHttpUrl, odkErrorCode, issue } from './lib/envelope-rules.js';
export {
  formioInput,
  formioConfigSchema,
  checkFormioConfig,
  parseIsoInstant,
  FORMIO_CONFIG_ERRORS,
  FORMIO_DEFAULT_PAGE_SIZE,
  FORMIO_MAX_PAGE_SIZE,
} from './lib/formio-part.js';
export { isMtsRequestTime } from './lib/request-time.js';
export { createSftpDeliveryPart, checkSftpProperties, renderSftpFileName, sftpPropertiesSchema, SFTP_FILE_NAME_PLACEHOLDERS } from './lib/sftp-part.js';
export type { SftpProperties, SftpCheckOptions } from './lib/sftp-part.js';
export { coerceMtsScalars } from './lib/coerce.js';
export { capSchemaIssues, MAX_SCHEMA_ISSUES } from './lib/schema-issues.js';
export { MAX_VALUES_FOR_ALL_ERRORS } from './lib/schema-check.js';

// codes and the one code → HTTP status table
export { RECORD_ERRORS, HTTP_STATUS_BY_CODE, httpStatusForCode } from './lib/mts-codes.js';
export type { HttpStatusOptions } from './lib/mts-codes.js';
export { EnvelopeError } from './lib/errors.js';
export type { EnvelopeErrorCode } from './lib/errors.js';

// the Google Sheets input (POST authtoken/sheets): its part, checks, codes and A1 ranges
export { sheetsInput, sheetsConfigSchema, checkSheetsConfig, SHEETS_CODES, SHEETS_VALUE_RENDER_OPTIONS } from './lib/sheets-part.js';
export { parseA1Range, columnNumber, columnLetters, quoteSheetName } from './lib/sheets-range.js';
export type { A1Range } from './lib/sheets-range.js';
