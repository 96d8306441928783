import { RECORD_ERRORS, type MappingSpec } from '@mts/envelope';
import { compileFieldPath, lookupPath, type PathSegment } from './field-path.js';
import { normaliseDob } from './dob.js';

/** The fields of an IDA demographic-auth input, in MTS's order (served by `GET authtoken/authfields`). */
export const MTS_AUTH_FIELDS = ['vid', 'name', 'gender', 'dob', 'phoneNumber', 'emailId', 'fullAddress'] as const;
export type MtsAuthField = (typeof MTS_AUTH_FIELDS)[number];

/** Where each auth field is read from in a record: a path (see the README's path language), or a list for name/address. */
export interface FieldMapping {
  vid: string;
  name: string[];
  gender: string;
  dob: string;
  phoneNumber: string;
  emailId: string;
  fullAddress: string[];
}

export const DEFAULT_FIELD_MAPPING: Readonly<FieldMapping> = Object.freeze({
  vid: 'vid',
  name: ['name'],
  gender: 'gender',
  dob: 'dob',
  phoneNumber: 'phoneNumber',
  emailId: 'emailId',
  fullAddress: ['fullAddress'],
});

export const DEFAULT_MANDATORY_FIELDS: readonly string[] = ['name', 'gender', 'dob', 'fullAddress'];

export type LangValue = { language: string; value: string };

export interface AuthInput {
  vid: string;
  name?: LangValue[];
  gender?: LangValue[];
  dob?: string;
  phoneNumber?: string;
  emailId?: string;
  fullAddress?: LangValue[];
}

export type MapResult = { ok: true; input: AuthInput } | { ok: false; vid: string | null; code: string; message: string };

export interface RecordMapperOptions {
  /** `request.mapping`: paths per field; omitted keys keep MTS's defaults. `name`/`fullAddress` also accept a single path. */
  mapping?: MappingSpec | null;
  /** Language of `name`, `gender` and `fullAddress` values; MTS's `default_lang_code` is `eng`. */
  lang?: string | null;
  /** Fields that must be present, as a list or MTS's comma-separated form; `vid` is always mandatory. */
  mandatoryFields?: readonly string[] | string;
  /** Joins the non-empty parts of `name` (MTS `name_delimiter`). */
  nameDelimiter?: string;
  /** Joins the non-empty parts of `fullAddress` (MTS `full_address_delimiter`). */
  addressDelimiter?: string;
}

/**
 * Builds the per-record mapper: record → IDA auth input, or MTS's first validation error for it.
 *
 * Paths are compiled once here; the returned function allocates only the result. A value is "absent" when its path
 * does not resolve or holds null (or an object/array, which IDA cannot take); numbers and booleans become strings.
 * Error messages are MTS's fixed texts and never contain record values.
 *
 * @example
 * ```ts
 * const map = createRecordMapper({ mapping: { vid: 'ids.vid', name: ['first', 'last'] }, mandatoryFields: 'name' });
 * map({ ids: { vid: '4820193756' }, first: 'Asha', last: 'Rao' });
 * // { ok: true, input: { vid: '4820193756', name: [{ language: 'eng', value: 'Asha Rao' }] } }
 * ```
 */
export function createRecordMapper(options: RecordMapperOptions = {}): (record: unknown) => MapResult {
  const m = options.mapping ?? {};
  const lang = options.lang || 'eng';
  const nameDelimiter = options.nameDelimiter ?? ' ';
  const addressDelimiter = options.addressDelimiter ?? ', ';
  const mandatoryList =
    typeof options.mandatoryFields === 'string' ? options.mandatoryFields.split(',') : (options.mandatoryFields ?? DEFAULT_MANDATORY_FIELDS);
  const mandatory = new Set(mandatoryList.map((f) => f.trim()));
  const needName = mandatory.has('name');
  const needGender = mandatory.has('gender');
  const needDob = mandatory.has('dob');
  const needPhone = mandatory.has('phoneNumber');
  const needEmail = mandatory.has('emailId');
  const needAddress = mandatory.has('fullAddress');

  const vidPath = compileFieldPath(single(m.vid, DEFAULT_FIELD_MAPPING.vid));
  const namePaths = list(m.name, DEFAULT_FIELD_MAPPING.name).map(compileFieldPath);
  const genderPath = compileFieldPath(single(m.gender, DEFAULT_FIELD_MAPPING.gender));
  const dobPath = compileFieldPath(single(m.dob, DEFAULT_FIELD_MAPPING.dob));
  const phonePath = compileFieldPath(single(m.phoneNumber, DEFAULT_FIELD_MAPPING.phoneNumber));
  const emailPath = compileFieldPath(single(m.emailId, DEFAULT_FIELD_MAPPING.emailId));
  const addressPaths = list(m.fullAddress, DEFAULT_FIELD_MAPPING.fullAddress).map(compileFieldPath);

  const fail = (vid: string | null, e: { code: string; message: string }): MapResult => ({ ok: false, vid, code: e.code, message: e.message });

  return (record) => {
    const vidValue = read(record, vidPath);
    const vid = vidValue === undefined || vidValue === '' ? null : vidValue;
    if (vid === null) return fail(null, RECORD_ERRORS.vidAbsent);
    const input: AuthInput = { vid };

    const name = joinParts(record, namePaths, nameDelimiter);
    if (needName) {
      if (name === undefined) return fail(vid, RECORD_ERRORS.nameAbsent);
      if (name === '') return fail(vid, RECORD_ERRORS.nameEmpty);
    }
    if (name) input.name = [{ language: lang, value: name }];

    const gender = read(record, genderPath);
    if (needGender) {
      if (gender === undefined) return fail(vid, RECORD_ERRORS.genderAbsent);
      if (gender === '') return fail(vid, RECORD_ERRORS.genderEmpty);
    }
    if (gender) input.gender = [{ language: lang, value: gender }];

    const dob = read(record, dobPath);
    if (needDob) {
      if (dob === undefined) return fail(vid, RECORD_ERRORS.dobAbsent);
      if (dob === '') return fail(vid, RECORD_ERRORS.dobEmpty);
    }
    if (dob) input.dob = normaliseDob(dob);

    const phone = read(record, phonePath);
    if (needPhone && phone === undefined) return fail(vid, RECORD_ERRORS.phoneAbsent);
    if (phone) input.phoneNumber = phone;

    const email = read(record, emailPath);
    if (needEmail && email === undefined) return fail(vid, RECORD_ERRORS.emailAbsent);
    if (email) input.emailId = email;

    const address = joinParts(record, addressPaths, addressDelimiter);
    if (needAddress) {
      if (address === undefined) return fail(vid, RECORD_ERRORS.addressAbsent);
      if (address === '') return fail(vid, RECORD_ERRORS.addressEmpty);
    }
    if (address) input.fullAddress = [{ language: lang, value: address }];

    return { ok: true, input };
  };
}

/** The value at `path` as a string, or undefined when absent (unresolved, null, object or array). */
function read(record: unknown, path: readonly PathSegment[]): string | undefined {
  const v = lookupPath(record, path);
  switch (typeof v) {
    case 'string':
      return v;
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(v);
    default:
      return undefined;
  }
}

/** Non-empty parts joined; '' when some part is present but all are empty; undefined when none is present. */
function joinParts(record: unknown, paths: readonly (readonly PathSegment[])[], delimiter: string): string | undefined {
  let joined: string | undefined;
  for (let i = 0; i < paths.length; i++) {
    const part = read(record, paths[i]);
    if (part === undefined) continue;
    if (joined === undefined) joined = part;
    else if (part !== '') joined = joined === '' ? part : joined + delimiter + part;
  }
  return joined;
}

function single(value: string | string[] | undefined, fallback: string): string {
  if (Array.isArray(value)) return value[0] ?? fallback;
  return typeof value === 'string' ? value : fallback;
}

function list(value: string | string[] | undefined, fallback: readonly string[]): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v) => typeof v === 'string') : [...fallback];
}
