import { type IdaErrorItem, idaErrors } from './ida-errors.js';
import type { IdentityAttributes, LangValue } from './identity.js';
import { valueIn } from './identity.js';
import { exactMatch, normalise, type NormaliseOptions } from './normalise.js';

/** The demographics object of a decrypted request, after shape validation. */
export type RequestDemographics = Record<string, unknown>;

type Kind = 'name' | 'address' | 'exact';
interface LangField {
  field: string;
  kind: Kind;
  /** identity attributes joined (with a space) to form the stored value */
  parts: string[];
}

const LANG_FIELDS: LangField[] = [
  { field: 'name', kind: 'name', parts: ['fullName'] },
  { field: 'gender', kind: 'exact', parts: ['gender'] },
  { field: 'addressLine1', kind: 'address', parts: ['addressLine1'] },
  { field: 'addressLine2', kind: 'address', parts: ['addressLine2'] },
  { field: 'addressLine3', kind: 'address', parts: ['addressLine3'] },
  { field: 'location1', kind: 'address', parts: ['city'] },
  { field: 'location2', kind: 'address', parts: ['region'] },
  { field: 'location3', kind: 'address', parts: ['province'] },
  {
    field: 'fullAddress',
    kind: 'address',
    parts: ['addressLine1', 'addressLine2', 'addressLine3', 'city', 'region', 'province', 'postalCode'],
  },
];
const PLAIN_FIELDS: Record<string, string> = { phoneNumber: 'phone', emailId: 'email', postalCode: 'postalCode' };
/** Request fields with their own rules; any other key is matched exactly against the attribute of that name. */
export const KNOWN_FIELDS = new Set([...LANG_FIELDS.map((f) => f.field), ...Object.keys(PLAIN_FIELDS), 'dob', 'age']);

/** `yyyy/MM/dd` parsed as Java's non-lenient SimpleDateFormat does: 1–2 digit month/day, real calendar dates. */
export function parseIdaDate(value: string): number | null {
  const m = /^(\d{1,4})\/(\d{1,2})\/(\d{1,2})$/.exec(value);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  return t;
}

function fullYears(fromUtc: number, now: Date): number {
  const from = new Date(fromUtc);
  let years = now.getUTCFullYear() - from.getUTCFullYear();
  const beforeBirthday =
    now.getUTCMonth() < from.getUTCMonth() ||
    (now.getUTCMonth() === from.getUTCMonth() && now.getUTCDate() < from.getUTCDate());
  if (beforeBirthday) years--;
  return years;
}

function storedLangValue(attrs: IdentityAttributes, parts: string[], lang: string): string | undefined {
  const values: string[] = [];
  let hasLanguagePart = false;
  for (const p of parts) {
    const stored = attrs[p];
    if (typeof stored === 'string') {
      if (stored.trim() !== '') values.push(stored); // attributes with no language join every language
    } else {
      const v = valueIn(stored, lang);
      if (v !== undefined) hasLanguagePart = true;
      if (v !== undefined && v.trim() !== '') values.push(v);
    }
  }
  return hasLanguagePart ? values.join(' ') : undefined;
}

/**
 * Matches request demographics against an identity the way IDA 1.2 does (EXACT, threshold 100, every attribute
 * and language must match) and returns one IDA error per failed attribute; an empty list means authStatus true.
 * `dob` that does not parse is reported as IDA-MLC-009, as IDA does at this stage.
 * @example matchDemographics({ dob: '1990/01/05' }, identity.attributes, { now: new Date() })
 */
export function matchDemographics(
  demo: RequestDemographics,
  attrs: IdentityAttributes,
  options: NormaliseOptions & { now: Date; storedCache?: Map<string, string> },
): IdaErrorItem[] {
  const errors: IdaErrorItem[] = [];
  const prep = (v: string, kind: Kind, lang: string) => (kind === 'exact' ? v : normalise(v, kind, lang, options));
  // Stored values repeat across calls; with fixed rules their normal form can be remembered.
  const prepStored = (v: string, kind: Kind, lang: string) => {
    const cache = options.storedCache;
    if (!cache || kind === 'exact') return prep(v, kind, lang);
    const key = `${kind}\u0000${lang}\u0000${v}`;
    let out = cache.get(key);
    if (out === undefined) {
      if (cache.size >= 100_000) cache.clear();
      cache.set(key, (out = prep(v, kind, lang)));
    }
    return out;
  };

  for (const f of LANG_FIELDS) {
    const list = demo[f.field] as LangValue[] | null | undefined;
    if (!Array.isArray(list)) continue;
    for (const { language, value } of list) {
      const stored = storedLangValue(attrs, f.parts, language);
      if (stored === undefined) errors.push(idaErrors.demoNotAvailable(f.field, language));
      else if (!exactMatch(prep(String(value), f.kind, language), prepStored(stored, f.kind, language)))
        errors.push(idaErrors.demoMismatch(f.field, language));
    }
  }

  if (typeof demo['dob'] === 'string') {
    const req = parseIdaDate(demo['dob']);
    const stored = typeof attrs.dateOfBirth === 'string' ? parseIdaDate(attrs.dateOfBirth) : null;
    if (req === null) errors.push(idaErrors.invalidInput('request/demographics/dob'));
    else if (stored === null) errors.push(idaErrors.demoNotAvailable('dob'));
    else if (req !== stored) errors.push(idaErrors.demoMismatch('dob'));
  }
  if (typeof demo['age'] === 'string') {
    const stored = typeof attrs.dateOfBirth === 'string' ? parseIdaDate(attrs.dateOfBirth) : null;
    if (stored === null) errors.push(idaErrors.demoNotAvailable('age'));
    else if (Number(demo['age']) > fullYears(stored, options.now)) errors.push(idaErrors.demoMismatch('age'));
  }
  for (const [field, attr] of Object.entries(PLAIN_FIELDS)) {
    const v = demo[field];
    if (v === null || v === undefined) continue;
    const stored = attrs[attr];
    if (typeof stored !== 'string') errors.push(idaErrors.demoNotAvailable(field));
    else if (!exactMatch(String(v), stored)) errors.push(idaErrors.demoMismatch(field));
  }
  for (const [field, v] of Object.entries(demo)) {
    if (KNOWN_FIELDS.has(field) || v === null || v === undefined) continue;
    const stored = attrs[field];
    if (typeof stored !== 'string') errors.push(idaErrors.demoNotAvailable(field));
    else if (!exactMatch(String(v), stored)) errors.push(idaErrors.demoMismatch(field));
  }
  return errors;
}
