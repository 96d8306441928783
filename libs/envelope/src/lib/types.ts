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

/** Output file formats. */
export type OutputType = 'json' | 'csv';

/** The delivery types: MTS's, plus `websub` (integrations §4). */
export type DeliveryType = 'download' | 'callback' | 'websub';

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
  /** POST authtoken/json: the records. */
  authdata?: Record<string, unknown>[] | null;
  /** POST authtoken/csv: the upload's delimiter; default `,`. */
  csvDelimiter?: string;
  /** POST authtoken/odk: where to pull the records from. */
  odkconfig?: OdkConfig;
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
  odkconfig?: OdkConfig | null;
  /** CSV uploads: the delimiter (`request.csvDelimiter`, default `,`). */
  csvDelimiter?: string;
}
