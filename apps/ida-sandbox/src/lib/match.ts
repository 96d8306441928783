import { type IdaErrorItem, idaErrors, reject } from './ida-errors.js';
import type { IdentityAttributes, LangValue } from './identity.js';
import { valueIn } from './identity.js';
import { parseJavaInt } from './java-int.js';
import { exactMatch, normalise, type NormaliseOptions } from './normalise.js';
import { DEFAULT_SETTINGS } from './settings.js';

const DEFAULT_LANGUAGES = DEFAULT_SETTINGS.languages;

/** The demographics object of a decrypted request, after shape validation. */
export type RequestDemographics = Record<string, unknown>;

type Kind = 'name' | 'address' | 'exact';
interface LangField {
  field: string;
  kind: Kind;
  /** identity attributes joined (with a space) to form the stored value */
  parts: string[];
}

const langField = (field: string, kind: Kind, parts: string[]): LangField => ({ field, kind, parts });
const NAME = langField('name', 'name', ['fullName']);
const GENDER = langField('gender', 'exact', ['gender']);
const ADDRESS_LINES = [
  langField('addressLine1', 'address', ['addressLine1']),
  langField('addressLine2', 'address', ['addressLine2']),
  langField('addressLine3', 'address', ['addressLine3']),
  langField('location1', 'address', ['city']),
  langField('location2', 'address', ['region']),
  langField('location3', 'address', ['province']),
];
const FULL_ADDRESS = langField('fullAddress', 'address', [
  'addressLine1', 'addressLine2', 'addressLine3', 'city', 'region', 'province', 'postalCode',
]);
/** Request fields with their own rules; any other key is matched exactly against the attribute of that name. */
export const KNOWN_FIELDS = new Set([
  ...[NAME, GENDER, ...ADDRESS_LINES, FULL_ADDRESS].map((f) => f.field), 'dob', 'age', 'phoneNumber', 'emailId', 'postalCode',
]);

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

/** The outcome of matching: IDA's authStatus and one DEA-001 per failed attribute. */
export interface MatchResult {
  authStatus: boolean;
  errors: IdaErrorItem[];
}

/**
 * Matches request demographics against an identity the way IDA 1.2 does (EXACT, threshold 100, every attribute
 * and language must match), in IDA's order (DemoMatchType, then the system languages). Empty request values are
 * not compared (IdInfoFetcherImpl#getInfo drops them); with nothing compared, authStatus is false
 * (DemoAuthServiceImpl). A stored attribute that is missing (DEA-003) or a `dob` that does not parse (MLC-009) is
 * thrown by IDA and stops matching, so they are thrown here as a service-stage {@link IdaRejection}.
 * @example matchDemographics({ dob: '1990/01/05' }, identity.attributes, { now: new Date() })
 */
export function matchDemographics(
  demo: RequestDemographics,
  attrs: IdentityAttributes,
  options: NormaliseOptions & { now: Date; languages?: string[]; storedCache?: Map<string, string> },
): MatchResult {
  const errors: IdaErrorItem[] = [];
  const languages = options.languages ?? DEFAULT_LANGUAGES;
  let compared = 0;
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
  const matchLang = (f: LangField) => {
    const list = demo[f.field];
    if (!Array.isArray(list) || list.length === 0) return;
    for (const language of languages) {
      const value = (list as LangValue[]).find((e) => e?.language === language)?.value;
      if (value === undefined || value === null || String(value) === '') continue;
      const stored = storedLangValue(attrs, f.parts, language);
      if (stored === undefined) reject('B', idaErrors.demoNotAvailable(f.field, language));
      compared++;
      if (!exactMatch(prep(String(value), f.kind, language), prepStored(stored, f.kind, language))) {
        errors.push(idaErrors.demoMismatch(f.field, language));
      }
    }
  };
  const given = (field: string): string | null => {
    const v = demo[field];
    return v === null || v === undefined || String(v) === '' ? null : String(v);
  };
  const matchPlain = (field: string, stored: unknown) => {
    const v = given(field);
    if (v === null) return;
    if (typeof stored !== 'string') reject('B', idaErrors.demoNotAvailable(field));
    compared++;
    if (!exactMatch(v, stored)) errors.push(idaErrors.demoMismatch(field));
  };

  matchLang(NAME);
  const dob = given('dob');
  if (dob !== null) {
    const stored = typeof attrs.dateOfBirth === 'string' ? parseIdaDate(attrs.dateOfBirth) : null;
    if (stored === null) reject('B', idaErrors.demoNotAvailable('dob'));
    const req = parseIdaDate(dob);
    if (req === null) reject('B', idaErrors.invalidInput('request/demographics/dob'));
    compared++;
    if (req !== stored) errors.push(idaErrors.demoMismatch('dob'));
  }
  const age = given('age');
  if (age !== null) {
    const stored = typeof attrs.dateOfBirth === 'string' ? parseIdaDate(attrs.dateOfBirth) : null;
    // AGE is mapped to IDA's `dob` id name, so a missing date of birth is reported as dob.
    if (stored === null) reject('B', idaErrors.demoNotAvailable('dob'));
    compared++;
    // Validation has parsed it already; the age matches when it is at most the stored date of birth's full years.
    if ((parseJavaInt(age) ?? Infinity) > fullYears(stored, options.now)) errors.push(idaErrors.demoMismatch('age'));
  }
  matchLang(GENDER);
  matchPlain('phoneNumber', attrs['phone']);
  matchPlain('emailId', attrs['email']);
  for (const f of ADDRESS_LINES) matchLang(f);
  matchPlain('postalCode', attrs['postalCode']);
  matchLang(FULL_ADDRESS);
  for (const field in demo) if (!KNOWN_FIELDS.has(field)) matchPlain(field, attrs[field]);
  return { authStatus: compared > 0 && errors.length === 0, errors };
}
