import type { SftpProperties } from './sftp-part.js';
import type { CallbackProperties, DeliveryType, FormioConfig, MappingSpec, OdkConfig, RequestConfig, SheetsConfig, VcConfig } from './types.js';
import type { WebsubProperties } from './websub.js';

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
const DELIVERY_TYPES: ReadonlySet<DeliveryType> = new Set(['download', 'callback', 'websub', 'sftp']);
const obj = (v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? v : undefined);

/**
 * What the service keeps of a request that passed `validateEnvelope`: its `request` object without the records,
 * with MTS's defaults made explicit (`outputFormat` missing, `false` or `null` → `null`: the default record).
 *
 * @example
 * ```ts
 * toRequestConfig({ output: 'csv', deliverytype: 'download', outputFormat: false, authdata: [{ vid: '1' }] });
 * // { output: 'csv', deliverytype: 'download', outputFormat: null, callbackProperties: null, odkconfig: null, ... }
 * ```
 */
export function toRequestConfig(request: Readonly<Record<string, unknown>>): RequestConfig {
  return {
    output: request.output === 'csv' || request.output === 'ndjson' ? request.output : 'json',
    deliverytype: DELIVERY_TYPES.has(request.deliverytype as DeliveryType) ? (request.deliverytype as DeliveryType) : 'download',
    // Validated against the schema and MTS's rules before this is called.
    mapping: obj(request.mapping) as MappingSpec | undefined,
    lang: str(request.lang),
    outputFormat: str(request.outputFormat) ?? null,
    callbackProperties: (obj(request.callbackProperties) as CallbackProperties | undefined) ?? null,
    // Only when given: a field of one delivery, as the deliveries added after MTS's keep theirs.
    ...(obj(request.websubProperties) ? { websubProperties: request.websubProperties as WebsubProperties } : {}),
    ...(obj(request.sftpProperties) ? { sftpProperties: obj(request.sftpProperties) as SftpProperties } : {}),
    odkconfig: (obj(request.odkconfig) as OdkConfig | undefined) ?? null,
    csvDelimiter: str(request.csvDelimiter),
    ...(request.csvHeader === false ? { csvHeader: false } : {}),
    // Only when sent, so the other inputs' stored configs keep their shape.
    ...(obj(request.sheetsconfig) ? { sheetsconfig: obj(request.sheetsconfig) as SheetsConfig } : {}),
    // Only when given, so the other inputs' stored configs keep their shape.
    ...(obj(request.formioconfig) ? { formioconfig: request.formioconfig as FormioConfig } : {}),
    ...(obj(request.vcconfig) ? { vcconfig: obj(request.vcconfig) as VcConfig } : {}),
  };
}
