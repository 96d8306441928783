import { exactMatch, normalise } from './normalise.js';

describe('normalise', () => {
  it('removes titles from names and turns punctuation into separators', () => {
    expect(normalise('Mr. John-Doe', 'name', 'eng').split(/\s+/)).toEqual(['John', 'Doe']);
    expect(normalise('DR JOHN DOE', 'name', 'eng').split(/\s+/)).toEqual(['JOHN', 'DOE']);
  });

  it('applies the address.eng abbreviations and ordinals', () => {
    const n = normalise('12 Main Street, 3rd Cross, Apartment 4', 'address', 'eng');
    expect(n.split(/\s+/)).toEqual(['12', 'mn', 'st', '3', 'crs', 'apt', '4']);
    expect(normalise('c/o Green Market Road', 'address', 'eng').split(/\s+/)).toEqual(['Green', 'mkt', 'rd']);
  });

  it('uses configured titles and rules instead of the defaults', () => {
    expect(normalise('Sir John', 'name', 'eng', { titles: { eng: ['Sir'] } })).toBe('John');
    expect(normalise('Sir John', 'name', 'eng')).toBe('Sir John');
    expect(normalise('a_b', 'name', 'eng', { rules: { 'common.any': [{ pattern: /_/g, replacement: ' ' }] } })).toBe('a b');
  });

  it('removes titles exactly as the plain title-by-title, variant-by-variant removal does, ASCII or not', () => {
    // The rule as IDA's normaliser states it, without the skip for titles that cannot occur.
    const reference = (value: string, titles: string[]) => {
      let out = value;
      for (const title of [...titles].sort((a, b) => b.length - a.length)) {
        for (const v of new Set([title, title.toLowerCase(), title.toUpperCase()])) out = out.split(`${v}.`).join('').split(v).join('');
      }
      return out;
    };
    const titles = ['Mr', 'Mrs', 'Dr', 'Señor', 'Ωμέγα', 'ΑΣ', 'İl'];
    const words = ['Mr', 'mrs.', 'MRS', 'dR.', 'MMrr', 'señor', 'SEÑOR', 'ωμέγα', 'ΑΣΒ', 'ας', 'İL', 'il', 'i̇l', '\u212Aelvin', 'John', 'Ann-Marie', '', ' '];
    const inputs: string[] = [];
    for (const a of words) for (const b of words) inputs.push(`${a} ${b}`, `${a}${b}`, `${a}.${b}x`);
    for (const input of inputs) {
      const titleRules = { titles: { eng: titles }, rules: {} };
      expect([input, normalise(input, 'name', 'eng', titleRules)]).toEqual([input, reference(input, titles).trim()]);
    }
    // A title list changed in place after use is read again, not served from what was prepared before.
    const list = ['Mr'];
    expect(normalise('Sir John', 'name', 'eng', { titles: { eng: list } })).toBe('Sir John');
    list.push('Sir');
    expect(normalise('Sir John', 'name', 'eng', { titles: { eng: list } })).toBe('John');
  });
});

describe('exactMatch', () => {
  it('ignores case and word order but not missing or extra words', () => {
    expect(exactMatch('doe  JOHN', 'John Doe')).toBe(true);
    expect(exactMatch('John', 'John Doe')).toBe(false);
    expect(exactMatch('John Doe Smith', 'John Doe')).toBe(false);
    expect(exactMatch('+91 9876543210', '+919876543210')).toBe(false);
  });
});
