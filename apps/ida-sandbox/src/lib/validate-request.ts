import { type IdaErrorItem, idaErrors } from './ida-errors.js';
import { isValidUin, isValidVid } from './id-rules.js';
import { parseJavaInt } from './java-int.js';
import { checkTimeWindow, parseIdaTime } from './request-time.js';

// DemoAuthType's groups (IDA 1.2.0.1 DemoAuthType): list fields carry a language, the others are plain strings.
const ADDRESS_FIELDS = ['addressLine1', 'addressLine2', 'addressLine3', 'location1', 'location2', 'location3', 'postalCode'];
const PERSONAL_FIELDS = ['name', 'dob', 'age', 'emailId', 'phoneNumber', 'gender'];
const LIST_FIELDS = new Set(['name', 'gender', 'fullAddress', 'addressLine1', 'addressLine2', 'addressLine3', 'location1', 'location2', 'location3']);
// checkDemoAuth walks DemoAuthType in this order: ADDRESS, PERSONAL_IDENTITY, FULL_ADDRESS, then the dynamic keys.
const STATIC_ORDER = [...ADDRESS_FIELDS, ...PERSONAL_FIELDS, 'fullAddress'];
const STATIC_FIELDS = new Set(STATIC_ORDER);
// `mosip.ida.allowed.enviromemnts`, compared ignoring case (AuthRequestValidator#validateEnv).
const ENVS = new Set(['staging', 'developer', 'pre-production', 'production']);

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
/** Apache StringUtils.isEmpty, which IDA uses for its "missing" checks: null or "". */
const isEmpty = (v: unknown) => v === null || v === undefined || v === '';

/**
 * Whether a demographics field counts as sent (AuthType#isAuthTypeInfoAvailable): a list field is a non-empty
 * list, a plain field any non-null value ("" included). Keys IDA does not know (its dynamic attributes) count when
 * they hold a scalar or a non-empty list.
 */
function isSent(field: string, v: unknown): boolean {
  if (v === null || v === undefined) return false;
  if (LIST_FIELDS.has(field)) return Array.isArray(v) && v.length > 0;
  if (STATIC_FIELDS.has(field)) return true;
  return Array.isArray(v) ? v.length > 0 : typeof v !== 'object';
}

/** AuthTypeUtil#isDemo: at least one demographic field was sent. */
function isDemo(d: Record<string, unknown>): boolean {
  for (const k in d) if (isSent(k, d[k])) return true;
  return false;
}

function checkTime(value: unknown, name: string, now: number, errors: IdaErrorItem[]): void {
  if (isEmpty(value)) return void errors.push(idaErrors.missingInput(name));
  const t = parseIdaTime(value);
  if (t === null) return void errors.push(idaErrors.invalidInput(name));
  const where = checkTimeWindow(t, now);
  if (where === 'future') errors.push(idaErrors.timeWindow(name));
  // The past check runs only while nothing has failed (AuthRequestValidator#validateReqTime): one MLC-001 at most.
  else if (where === 'past' && errors.length === 0) errors.push(idaErrors.timeWindow());
}

/** One list field's entries (BaseAuthRequestValidator#checkIdentityInfoValue and #checkLangaugeDetails). */
function checkListField(list: unknown[], settings: ValidationSettings, errors: IdaErrorItem[]): void {
  let langMissing = false;
  for (const entry of list as ({ language?: unknown; value?: unknown } | null)[]) {
    if (!present(entry?.value)) errors.push(idaErrors.missingDemoAttribute());
    if (isEmpty(entry?.language)) langMissing = true;
  }
  if (langMissing) return void errors.push(idaErrors.missingInput('LanguageCode'));
  if (errors.length > 0) return; // IDA checks languages only while nothing has failed
  // Grouped by language: DEA-002 once per distinct unsupported code, then MLC-009 once per repeated code.
  const counts = new Map<string, number>();
  for (const entry of list as { language: unknown }[]) {
    const lang = String(entry.language);
    counts.set(lang, (counts.get(lang) ?? 0) + 1);
  }
  for (const lang of counts.keys()) if (!settings.languages.includes(lang)) errors.push(idaErrors.unsupportedLanguage(lang));
  for (const n of counts.values()) if (n > 1) errors.push(idaErrors.invalidInput('LanguageCode'));
}

/** BaseAuthRequestValidator#checkDemoAuth and #checkOtherValues, for a request that has demographics. */
function checkDemographics(d: Record<string, unknown>, settings: ValidationSettings, errors: IdaErrorItem[]): void {
  let address = false;
  for (const field of STATIC_ORDER) {
    const v = d[field];
    if (!isSent(field, v)) continue;
    if (ADDRESS_FIELDS.includes(field)) address = true;
    if (LIST_FIELDS.has(field)) checkListField(v as unknown[], settings, errors);
  }
  // checkAge: only Integer.parseInt must succeed, so `0`, `-1` and `+5` are valid ages to IDA.
  if (present(d['age']) && parseJavaInt(String(d['age'])) === null) errors.push(idaErrors.invalidInput('age'));
  // validateAdAndFullAd: fullAddress cannot come with any field of the ADDRESS group, postalCode included.
  if (address && isSent('fullAddress', d['fullAddress'])) errors.push(idaErrors.missingDemoAttribute());
}

/**
 * IDA's bean validation (AuthRequestValidator#validate) of the outer request and the decrypted inner request. As
 * IDA does, each group runs only while no earlier group has failed, so the answer holds the first failing group's
 * problems; an empty list means valid. The individual id is checked afterwards by {@link checkIndividualId}.
 */
export function validateAuthRequest(
  outer: Record<string, unknown>,
  inner: Record<string, unknown>,
  settings: ValidationSettings,
  now: number,
): IdaErrorItem[] {
  const errors: IdaErrorItem[] = [];
  if (outer['consentObtained'] !== true) return [idaErrors.consentMissing()];
  checkTime(outer['requestTime'], 'requestTime', now, errors);
  checkTime(inner['timestamp'], 'request/timestamp', now, errors);
  if (errors.length > 0) return errors;
  const domainUri = outer['domainUri'];
  if (present(domainUri) && !settings.allowedDomainUris.some((u) => u.toLowerCase() === String(domainUri).toLowerCase())) {
    return [idaErrors.invalidInput('request/domainUri')];
  }
  if (present(outer['env']) && !ENVS.has(String(outer['env']).toLowerCase())) return [idaErrors.invalidInput('request/env')];
  const txn = outer['transactionID'];
  if (isEmpty(txn)) return [idaErrors.missingInput('transactionID')];
  if (typeof txn !== 'string' || !/^[A-Za-z0-9]{10}$/.test(txn)) return [idaErrors.invalidInput('transactionID')];
  const demo = inner['demographics'];
  const d = typeof demo === 'object' && demo !== null && !Array.isArray(demo) ? (demo as Record<string, unknown>) : {};
  // A list field that is not a list (IDA would fail to read the JSON; kept from the sandbox's first version).
  for (const field of LIST_FIELDS) if (present(d[field]) && !Array.isArray(d[field])) errors.push(idaErrors.invalidInput(`request/demographics/${field}`));
  if (errors.length > 0) return errors;
  // No demographic value at all is not "demo auth with a missing attribute" but no auth type (validateAuthType).
  if (!isDemo(d)) return [idaErrors.noAuthTypeSelected()];
  checkDemographics(d, settings, errors);
  return errors;
}

/**
 * AuthController's id checks, after bean validation: the type is the stated one or, when none is stated, the
 * detected one (a valid UIN, then a valid VID). Detection failing is thrown by IDA and answers alone; otherwise the
 * problems are added to the bean-validation ones (IdAuthValidator#validateIdvId).
 */
export function checkIndividualId(
  id: unknown,
  stated: unknown,
  settings: ValidationSettings,
): { type: 'UIN' | 'VID' | null; errors: IdaErrorItem[] } | { fatal: IdaErrorItem } {
  let type: string;
  if (present(stated)) type = String(stated);
  else if (typeof id === 'string' && isValidUin(id)) type = 'UIN';
  else if (typeof id === 'string' && isValidVid(id)) type = 'VID';
  else return { fatal: idaErrors.invalidInput('individualId') };
  if (typeof id !== 'string' || id.trim() === '') return { type: null, errors: [idaErrors.missingInput('individualId')] };
  if (type === '') return { type: null, errors: [idaErrors.missingInput('individualIdType')] };
  if (type !== 'UIN' && type !== 'VID') return { type: null, errors: [idaErrors.invalidInput('individualIdType')] };
  if (!settings.allowedIdTypes.includes(type)) return { type: null, errors: [idaErrors.idTypeNotConfigured(type)] };
  if (type === 'UIN') return isValidUin(id) ? { type, errors: [] } : { type: null, errors: [idaErrors.invalidUin()] };
  return isValidVid(id) ? { type, errors: [] } : { type: null, errors: [idaErrors.invalidVid()] };
}

/** IdAuthExceptionHandler#getAuthErrors ends with `.distinct()`: identical items are reported once. */
export function distinctErrors(items: IdaErrorItem[]): IdaErrorItem[] {
  if (items.length < 2) return items;
  const seen = new Set<string>();
  return items.filter((i) => {
    const key = `${i.errorCode}\u0000${i.errorMessage}\u0000${i.actionMessage ?? ''}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}
