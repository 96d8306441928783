type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** `{ language, value }` (MOSIP's shape; `lang` accepted too). */
export function langValue(v: unknown): { language?: string; value: unknown } | undefined {
  if (!isObject(v) || !('value' in v)) return undefined;
  const language = typeof v.language === 'string' ? v.language : typeof v.lang === 'string' ? v.lang : undefined;
  return { ...(language === undefined ? {} : { language }), value: v.value };
}

/**
 * One credentialSubject value with its language resolved: a plain value stays as it is; one `{language, value}`
 * gives its value; a list of them gives the one in `lang`, else the first. Anything else is returned unchanged.
 */
export function resolveLanguageValue(value: unknown, lang: string): unknown {
  const single = langValue(value);
  if (single) return single.value;
  if (Array.isArray(value) && value.length > 0) {
    const items = value.map(langValue);
    if (items.every((i) => i !== undefined)) return (items.find((i) => i!.language === lang) ?? items[0])!.value;
  }
  return value;
}

/**
 * A VC's `credentialSubject` as a flat seeder record: its own keys, each language value resolved by `lang`, plus
 * `vid` = `VID`, else `UIN` (unless the subject has a `vid` of its own). Both the VC default mapping and a caller's
 * mapping read this record.
 *
 * @example
 * ```ts
 * flattenSubject({ UIN: '5918...', fullName: [{ language: 'fra', value: 'A' }, { language: 'eng', value: 'B' }] }, 'eng');
 * // { UIN: '5918...', fullName: 'B', vid: '5918...' }
 * ```
 */
export function flattenSubject(subject: Readonly<Json>, lang: string): Json {
  const out: Json = {};
  for (const [key, value] of Object.entries(subject)) out[key] = resolveLanguageValue(value, lang);
  const id = individualId(out);
  if (!('vid' in out) && id !== undefined) out.vid = id;
  return out;
}

/** The subject's `VID`, else its `UIN`, as text; undefined when neither is a non-empty string or number. */
export function individualId(subject: Readonly<Json>): string | undefined {
  for (const key of ['VID', 'UIN']) {
    const v = subject[key];
    if ((typeof v === 'string' && v.trim() !== '') || typeof v === 'number') return String(v);
  }
  return undefined;
}
