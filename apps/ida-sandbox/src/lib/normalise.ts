/** A regex rule: each non-empty match is replaced by a literal string (Spring trims trailing spaces from it). */
export interface NormaliseRule {
  pattern: RegExp;
  replacement: string;
}

/** Rule sets keyed as IDA's config keys them: `address.eng`, `name.any`, `common.any`, … */
export type NormaliseRules = Record<string, NormaliseRule[]>;

/** The masterdata titles per language, removed from names before matching. Configurable: the real list is per country. */
export type TitleList = Record<string, string[]>;

export const DEFAULT_TITLES: TitleList = { eng: ['Mr', 'Mrs', 'Ms', 'Miss', 'Dr'] };

const ci = (word: string): RegExp => new RegExp(word, 'gi');
const ORDINALS: [string, string][] = [
  ['1', 'st|th'],
  ['2', 'nd|th'],
  ['3', 'rd|th'],
  ...['4', '5', '6', '7', '8', '9', '0'].map((d): [string, string] => [d, 'th']),
];

/** IDA's default rules (IDADEF `ida.norm.*`): address.eng and common.any; none for names or other languages. */
export const DEFAULT_RULES: NormaliseRules = {
  'address.eng': [
    { pattern: /[CcSsDdWwHh]\/[Oo]/g, replacement: '' },
    { pattern: /(M|m|D|d)(rs?)(.)/g, replacement: '' },
    { pattern: /(N|n)(O|o)(\.)?/g, replacement: '' },
    { pattern: ci('apartment'), replacement: 'apt' },
    { pattern: ci('street'), replacement: 'st' },
    { pattern: ci('road'), replacement: 'rd' },
    { pattern: ci('main'), replacement: 'mn' },
    { pattern: ci('cross'), replacement: 'crs' },
    { pattern: ci('opposite'), replacement: 'opp' },
    { pattern: ci('market'), replacement: 'mkt' },
    ...ORDINALS.map(([digit, suffixes]) => ({ pattern: new RegExp(`${digit}(${suffixes})`, 'gi'), replacement: digit })),
  ],
  'common.any': [
    { pattern: /[.,\-*()[\]`'/#"|]/g, replacement: ' .' },
    { pattern: /\s+/g, replacement: ' .' },
    { pattern: /\./g, replacement: '' },
  ],
};

function applyRules(value: string, rules: NormaliseRule[] | undefined): string {
  if (!rules) return value;
  let out = value;
  // A function replacement keeps the string literal (no `$` expansion) and leaves empty matches alone.
  for (const r of rules) out = out.replace(r.pattern, (m: string) => (m === '' ? m : r.replacement));
  return out;
}

/** A title list's variants in removal order: longest title first, each as given, lower- and upper-case. */
interface TitleVariants {
  /** The title in lower case when it is ASCII (a cheap test for "no variant can occur"); null otherwise. */
  asciiLower: string | null;
  variants: string[];
}
// Keyed by the list, and checked against its contents: a list changed in place is prepared again.
const variantsOf = new WeakMap<string[], { joined: string; variants: TitleVariants[] }>();

function titleVariants(titles: string[]): TitleVariants[] {
  const joined = titles.join('\u0000');
  const known = variantsOf.get(titles);
  if (known?.joined === joined) return known.variants;
  const prepared = [...titles]
    .sort((a, b) => b.length - a.length)
    .map((title) => ({
      // eslint-disable-next-line no-control-regex
      asciiLower: /^[\x00-\x7f]*$/.test(title) ? title.toLowerCase() : null,
      variants: [...new Set([title, title.toLowerCase(), title.toUpperCase()])],
    }));
  variantsOf.set(titles, { joined, variants: prepared });
  return prepared;
}

function removeTitles(value: string, titles: string[]): string {
  let out = value;
  let lower: string | undefined;
  for (const { asciiLower, variants } of titleVariants(titles)) {
    // An ASCII title's variants all lower-case to it, so none occurs where it does not occur in the lower-cased text.
    if (asciiLower !== null && !(lower ??= out.toLowerCase()).includes(asciiLower)) continue;
    for (const variant of variants) {
      out = out.split(`${variant}.`).join('');
      out = out.split(variant).join('');
    }
    lower = undefined;
  }
  return out;
}

/** Normalisation options: IDA's default rules and titles unless given. */
export interface NormaliseOptions {
  rules?: NormaliseRules;
  titles?: TitleList;
}

/**
 * IDA's text normalisation (DEMOSDK Normalizer): names lose titles; then the `<type>.<lang>`, `<type>.any`,
 * `common.<lang>`, `common.any` rule sets run in that order; then trim.
 * @example normalise('Mr. John-Doe', 'name', 'eng') // 'John Doe' (two spaces between: the matcher splits on runs)
 */
export function normalise(value: string, type: 'name' | 'address', lang: string, options: NormaliseOptions = {}): string {
  const rules = options.rules ?? DEFAULT_RULES;
  let out = value;
  if (type === 'name') out = removeTitles(out, (options.titles ?? DEFAULT_TITLES)[lang] ?? []);
  out = applyRules(out, rules[`${type}.${lang}`]);
  out = applyRules(out, rules[`${type}.any`]);
  out = applyRules(out, rules[`common.${lang}`]);
  out = applyRules(out, rules['common.any']);
  return out.trim();
}

/**
 * DEMOSDK's EXACT strategy: lower-case, split on whitespace; equal token counts and every stored token among the
 * request tokens (order-free).
 */
export function exactMatch(requestValue: string, storedValue: string): boolean {
  const tokens = (s: string) => s.toLowerCase().split(/\s+/).filter((t) => t !== '');
  const req = tokens(requestValue);
  const stored = tokens(storedValue);
  if (req.length !== stored.length) return false;
  return stored.every((t) => req.includes(t));
}
