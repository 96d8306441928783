import { type IdaErrorItem, idaErrors } from './ida-errors.js';
import { isValidUin, isValidVid } from './id-rules.js';
import { checkTimeWindow, parseIdaTime } from './request-time.js';

const LANG_LIST_FIELDS = ['name', 'gender', 'fullAddress', 'addressLine1', 'addressLine2', 'addressLine3', 'location1', 'location2', 'location3'];
const ADDRESS_PARTS = ['addressLine1', 'addressLine2', 'addressLine3', 'location1', 'location2', 'location3'];
const ENVS = ['Staging', 'Developer', 'Pre-Production', 'Production'];

/** The settings bean validation depends on (IDA config keys in comments). */
export interface ValidationSettings {
  /** `mosip.mandatory-languages` + `mosip.optional-languages` */
  languages: string[];
  /** `mosip.ida.allowed.domain.uris` (compared case-insensitively) */
  allowedDomainUris: string[];
  /** `request.idtypes.allowed` */
  allowedIdTypes: string[];
}

const present = (v: unknown) => v !== null && v !== undefined;
const hasValue = (v: unknown) =>
  Array.isArray(v) ? v.some((e) => present(e?.value) && String(e.value) !== '') : present(v) && String(v) !== '';

function checkTime(value: unknown, name: string, now: number, errors: IdaErrorItem[]): void {
  if (!present(value)) return void errors.push(idaErrors.missingInput(name));
  const t = parseIdaTime(value);
  if (t === null) return void errors.push(idaErrors.invalidInput(name));
  const where = checkTimeWindow(t, now);
  if (where === 'past') errors.push(idaErrors.timeWindow());
  else if (where === 'future') errors.push(idaErrors.timeWindow(name));
}

function checkDemographics(demo: unknown, settings: ValidationSettings, errors: IdaErrorItem[]): void {
  if (typeof demo !== 'object' || demo === null || Array.isArray(demo)) return void errors.push(idaErrors.missingDemoAttribute());
  const d = demo as Record<string, unknown>;
  for (const field of LANG_LIST_FIELDS) {
    const list = d[field];
    if (!present(list)) continue;
    if (!Array.isArray(list)) {
      errors.push(idaErrors.invalidInput(`request/demographics/${field}`));
      continue;
    }
    const seen = new Set<string>();
    for (const entry of list as { language?: unknown }[]) {
      const lang = entry?.language;
      if (!present(lang) || lang === '') errors.push(idaErrors.missingInput('LanguageCode'));
      else if (!settings.languages.includes(String(lang))) errors.push(idaErrors.unsupportedLanguage(String(lang)));
      else if (seen.has(String(lang))) errors.push(idaErrors.invalidInput('LanguageCode'));
      else seen.add(String(lang));
    }
  }
  const values = Object.values(d).filter(hasValue);
  if (values.length === 0 || (hasValue(d['fullAddress']) && ADDRESS_PARTS.some((f) => hasValue(d[f])))) {
    errors.push(idaErrors.missingDemoAttribute());
  }
  if (present(d['age']) && !/^[1-9]\d*$/.test(String(d['age']))) errors.push(idaErrors.invalidInput('age'));
}

/**
 * IDA's controller-stage (bean) validation of the outer request and the decrypted inner request. Returns every
 * problem found, in IDA's order; an empty list means valid.
 */
export function validateAuthRequest(
  outer: Record<string, unknown>,
  inner: Record<string, unknown>,
  settings: ValidationSettings,
  now: number,
): IdaErrorItem[] {
  const errors: IdaErrorItem[] = [];
  if (outer['consentObtained'] !== true) errors.push(idaErrors.consentMissing());
  checkTime(outer['requestTime'], 'requestTime', now, errors);
  checkTime(inner['timestamp'], 'request/timestamp', now, errors);
  const domainUri = outer['domainUri'];
  if (present(domainUri) && !settings.allowedDomainUris.some((u) => u.toLowerCase() === String(domainUri).toLowerCase())) {
    errors.push(idaErrors.invalidInput('request/domainUri'));
  }
  if (present(outer['env']) && !ENVS.includes(String(outer['env']))) errors.push(idaErrors.invalidInput('request/env'));
  const txn = outer['transactionID'];
  if (!present(txn)) errors.push(idaErrors.missingInput('transactionID'));
  else if (typeof txn !== 'string' || !/^[A-Za-z0-9]{10}$/.test(txn)) errors.push(idaErrors.invalidInput('transactionID'));
  if (!present(outer['individualId']) || outer['individualId'] === '') errors.push(idaErrors.missingInput('individualId'));
  const type = outer['individualIdType'];
  if (present(type)) {
    if (type !== 'UIN' && type !== 'VID') errors.push(idaErrors.invalidInput('individualIdType'));
    else if (!settings.allowedIdTypes.includes(type)) errors.push(idaErrors.idTypeNotConfigured(type));
  }
  checkDemographics(inner['demographics'], settings, errors);
  return errors;
}

/**
 * Works out whether `individualId` is a UIN or a VID (IdTypeUtil): the stated type is checked by length and
 * Verhoeff digit; without one, a valid UIN wins, then a valid VID. Returns the type or the IDA error.
 */
export function detectIdType(id: string, stated: unknown): { type: 'UIN' | 'VID' } | { error: IdaErrorItem } {
  if (stated === 'UIN') return isValidUin(id) ? { type: 'UIN' } : { error: idaErrors.invalidUin() };
  if (stated === 'VID') return isValidVid(id) ? { type: 'VID' } : { error: idaErrors.invalidVid() };
  if (isValidUin(id)) return { type: 'UIN' };
  if (isValidVid(id)) return { type: 'VID' };
  return { error: idaErrors.invalidInput('individualId') };
}
