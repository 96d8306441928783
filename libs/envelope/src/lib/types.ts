import type { SftpProperties } from './sftp-part.js';

/**
 * The MTS 1.1.0 request contract as types: what a caller sends (`SeedRequest`) and what the service keeps of it
 * (`RequestConfig`). The JSON schemas in `envelope-schemas.ts` describe the same shapes for ajv and OpenAPI.
 * Where a schema allows `null` (pydantic's `Optional`), the type does too: these describe validated input as it is.
 */

import type { WebsubProperties } from './websub.js';

/** A field's path in a record; how a path is read is `@mts/field-mapping`'s business. */
export type FieldPath = string;

/** `request.mapping`: where each auth field is read from; omitted keys keep MTS's defaults. */
export interface MappingSpec {
  vid?: FieldPath;
  /** A list of paths whose non-empty values are joined (a single path is accepted too). */
  name?: FieldPath | FieldPath[];
  gender?: FieldPath;
  dob?: FieldPath;
  phoneNumber?: FieldPath;
  emailId?: FieldPath;
  fullAddress?: FieldPath | FieldPath[];
}

/** How the callback endpoint is authenticated (integrations §3). */
export type CallbackAuthType = 'none' | 'staticBearer' | 'oauth' | 'odoo';

/** `request.callbackProperties`, required when `deliverytype` is `callback` (ATS-REQ-024..034 checked). */
export interface CallbackProperties {
  url: string;
  /** Default `POST`; any verb. */
  httpMethod?: string;
  /** Applied last: they can override Authorization and Content-Type. Default `{}`. */
  extraHeaders?: Record<string, string>;
  /** Per call; default 10. */
  timeoutSeconds?: number;
  /** Default false; must be true for csv output (ATS-REQ-026). */
  callInBulk?: boolean;
  /** csv: both the multipart field name and the filename (ATS-REQ-025). */
  requestFileName?: string;
  /** Default `none`. */
  authType?: CallbackAuthType;
  /** When given, `token` is non-empty (ATS-REQ-034). */
  authStaticBearer?: { token: string } | null;
  authOauth?: {
    authUrl?: string | null;
    username?: string;
    password?: string;
    clientId?: string;
    clientSecret?: string;
    extraHeaders?: Record<string, string>;
  } | null;
  /** When given, `authUrl`, `database` and `username` are non-empty (ATS-REQ-031..033). */
  authOdoo?: { authUrl: string; database: string; username: string; password: string; extraHeaders?: Record<string, string> } | null;
}

/**
 * `request.odkconfig` (POST authtoken/odk). `baseurl`, `email` and `password` are non-empty once checked
 * (ATS-REQ-018..020); without `odataurl`, `projectid` and `formid` are too (021, 022).
 */
export interface OdkConfig {
  /** Central's origin (and path prefix, if any), e.g. `https://odk.example.org`. */
  baseurl: string;
  /** API version path segment; default `v1`. */
  version?: string | null;
  /** The OData feed, used verbatim (absolute, or a path under `baseurl`). */
  odataurl?: string | null;
  /** A number is accepted too: MTS's pydantic model turns it into a string (`5` → `"5"`). */
  projectid?: string | number | null;
  /** A number is accepted too, as for `projectid`. */
  formid?: string | number | null;
  email: string;
  password: string;
  /** Lower bound (inclusive) on the submission date: ISO 8601 date or date-time. */
  startdate?: string | null;
  /** Upper bound (exclusive) on the submission date. */
  enddate?: string | null;
}

/** `request.sheetsconfig.auth` with an API key: only sheets shared as "anyone with the link" can be read. */
export interface SheetsApiKeyAuth {
  type: 'apiKey';
  apiKey: string;
}

/** `request.sheetsconfig.auth` with a Google service account (the sheet is shared with `clientEmail`). */
export interface SheetsServiceAccountAuth {
  type: 'serviceAccount';
  clientEmail: string;
  /** PEM RSA private key (`-----BEGIN PRIVATE KEY-----`, as in the service account's JSON key file). */
  privateKey: string;
  /** OAuth token endpoint; default `https://oauth2.googleapis.com/token`. */
  tokenUri?: string | null;
}

/**
 * `request.sheetsconfig` (POST authtoken/sheets, integrations §6): which Google sheet to read and how to authenticate.
 * Checked at submission (ATS-REQ-040..048); the worker reads it with the Sheets API v4 `spreadsheets.values.get`.
 */
export interface SheetsConfig {
  spreadsheetId: string;
  /** A1 notation (`Sheet1`, `Sheet1!A1:F`, `'My Sheet'!B2:G`); default the whole first sheet. */
  range?: string | null;
  /** Whether the range's first row names the columns; default true (false: columns are keys "0", "1", …). */
  header?: boolean | null;
  /** Default `FORMATTED_VALUE` (dates as displayed text). */
  valueRenderOption?: 'FORMATTED_VALUE' | 'UNFORMATTED_VALUE' | 'FORMULA' | null;
  auth: SheetsApiKeyAuth | SheetsServiceAccountAuth;
  /** Sheets API origin; default `https://sheets.googleapis.com`. */
  baseurl?: string | null;
}

/** How the pull signs in to Form.io: a user login (`POST /user/login`) or an API key (`x-token`). */
export type FormioAuth = { type: 'login'; email: string; password: string } | { type: 'apiKey'; apiKey: string };

/**
 * `request.formioconfig` (POST authtoken/formio), checked by `checkFormioConfig` (ATS-REQ-050..059): exactly one of
 * `formPath` and `formId`; dates are ISO 8601 bounds on the submissions' `created`.
 */
export interface FormioConfig {
  /** The project URL, e.g. `https://myproject.form.io` or `https://forms.example.org/myproject`. */
  baseurl: string;
  /** The form's path (alias) in the project, e.g. `registration`. */
  formPath?: string | null;
  /** The form's `_id`. */
  formId?: string | null;
  auth: FormioAuth;
  /** Lower bound (inclusive) on `created`. */
  startdate?: string | null;
  /** Upper bound (exclusive) on `created`. */
  enddate?: string | null;
  /** Submissions per page, 1..1000; default 100. */
  pageSize?: number | null;
}

/** One `vcconfig.trustedIssuers` entry: the key a proof's `verificationMethod` names, in exactly one of three forms. */
export interface VcTrustedIssuer {
  /** When given, the VC's `issuer` must be this. */
  issuer?: string;
  verificationMethod: string;
  publicKeyPem?: string;
  publicKeyJwk?: Record<string, unknown>;
  /** Ed25519 keys: multibase base58btc (`z6Mk…`). */
  publicKeyMultibase?: string;
}

/** `request.vcconfig` (POST authtoken/vc): whether to check each VC's proof, and against which keys. */
export interface VcConfig {
  /** Default false. When true, `trustedIssuers` must name at least one key (ATS-REQ-061). */
  verifyProof?: boolean;
  trustedIssuers?: VcTrustedIssuer[];
}

/** Output file formats: MTS's csv and json (an array), and ndjson (ours: one JSON record per line). */
export type OutputType = 'json' | 'csv' | 'ndjson';

/** The delivery types: MTS's, plus `websub` (integrations §4) and `sftp` (§5). */
export type DeliveryType = 'download' | 'callback' | 'websub' | 'sftp';

/** The `request` object of a seed request; which input fields it carries depends on the endpoint. */
export interface SeedRequestFields {
  output: OutputType;
  deliverytype: DeliveryType;
  mapping?: MappingSpec;
  /** Language of name, gender and address values; default the configured one (`eng`). */
  lang?: string | null;
  /** A jq expression over `{ input, output }`; `false`, `null` or `''` mean the default record. */
  outputFormat?: string | false | null;
  callbackProperties?: CallbackProperties | null;
  /** deliverytype websub: where to publish (ATS-REQ-070..079). */
  websubProperties?: WebsubProperties | null;
  /** `deliverytype: sftp`: where the output file is uploaded. */
  sftpProperties?: SftpProperties | null;
  /** POST authtoken/json: the records. */
  authdata?: Record<string, unknown>[] | null;
  /** POST authtoken/csv: the upload's delimiter; default `,`. */
  csvDelimiter?: string;
  /** POST authtoken/csv (ours): `false` when the upload has no header row; the mapping then names columns "0", "1", …. */
  csvHeader?: boolean | null;
  /** POST authtoken/odk: where to pull the records from. */
  odkconfig?: OdkConfig;
  /** POST authtoken/sheets: the Google sheet to read the records from. */
  sheetsconfig?: SheetsConfig;
  /** POST authtoken/formio: where to pull the records from. */
  formioconfig?: FormioConfig;
  /** POST authtoken/vc: the VCs (or a multipart `vc_file`). */
  vcs?: unknown[] | null;
  /** POST authtoken/vc: proof checking. */
  vcconfig?: VcConfig | null;
}

/** A whole seed request body (POST authtoken/json, csv's `request` field, authtoken/odk). */
export interface SeedRequest {
  id: string;
  version: string;
  /** MTS requires a string; an object is accepted too. */
  metadata: string | Record<string, unknown>;
  /** `YYYY-MM-DDTHH:MM:SS.fffZ`, fraction mandatory. */
  requesttime: string;
  request: SeedRequestFields;
}

/** A sync-mode body (`sync_operation_mode`): one record, answered inline. */
export interface SyncSeedRequest extends Omit<SeedRequest, 'request'> {
  request: { mapping?: MappingSpec; lang?: string | null; authdata: Record<string, unknown> };
}

/**
 * What the service keeps of an accepted request (stored encrypted: callback and ODK credentials are secrets):
 * the `request` object without its records.
 */
export interface RequestConfig {
  output: OutputType;
  deliverytype: DeliveryType;
  mapping?: MappingSpec;
  lang?: string;
  /** `null` for the default record. */
  outputFormat?: string | null;
  callbackProperties?: CallbackProperties | null;
  /** deliverytype websub: the hub, topic and auth token (a secret, kept encrypted with the rest). */
  websubProperties?: WebsubProperties | null;
  /** `deliverytype: sftp` (its password, key and passphrase are secrets: stored encrypted, erased with the PII). */
  sftpProperties?: SftpProperties | null;
  odkconfig?: OdkConfig | null;
  /** POST authtoken/sheets: the sheet and its credentials (a secret, like the ODK password). */
  sheetsconfig?: SheetsConfig | null;
  /** Form.io pulls (present only for them). */
  formioconfig?: FormioConfig;
  /** CSV uploads: the delimiter (`request.csvDelimiter`, default `,`). */
  csvDelimiter?: string;
  /** CSV uploads: `false` when there is no header row (`request.csvHeader`, default true). */
  csvHeader?: boolean;
  /** POST authtoken/vc: proof checking (its trusted keys are public keys, stored sealed with the rest). */
  vcconfig?: VcConfig | null;
}
