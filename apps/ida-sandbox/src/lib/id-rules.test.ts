import { generateId, isValidUin, isValidVid, passesIdFilters } from './id-rules.js';
import { createPrng, pick } from './prng.js';
import { isVerhoeffValid, verhoeffDigit } from './verhoeff.js';

describe('verhoeff', () => {
  it('matches the published examples', () => {
    expect(verhoeffDigit('236')).toBe(3);
    expect(verhoeffDigit('12345')).toBe(1);
    expect(verhoeffDigit('142857')).toBe(0);
    expect(isVerhoeffValid('2363')).toBe(true);
    expect(isVerhoeffValid('2364')).toBe(false);
  });

  it('detects every single-digit change and adjacent transposition of a valid id', () => {
    const id = '2743580697';
    const body = id.slice(0, -1);
    const valid = body + verhoeffDigit(body);
    expect(isVerhoeffValid(valid)).toBe(true);
    for (let i = 0; i < valid.length; i++) {
      for (let d = 0; d < 10; d++) {
        if (String(d) === valid[i]) continue;
        expect(isVerhoeffValid(valid.slice(0, i) + d + valid.slice(i + 1))).toBe(false);
      }
      if (i + 1 < valid.length && valid[i] !== valid[i + 1]) {
        const swapped = valid.slice(0, i) + valid[i + 1] + valid[i] + valid.slice(i + 2);
        expect(isVerhoeffValid(swapped)).toBe(false);
      }
    }
  });

  it('rejects non-digits', () => {
    expect(isVerhoeffValid('23a3')).toBe(false);
    expect(isVerhoeffValid('')).toBe(false);
  });
});

describe('id rules', () => {
  it('checks length as well as the check digit', () => {
    const body = '274358069';
    const uin = body + verhoeffDigit(body);
    expect(isValidUin(uin)).toBe(true);
    expect(isValidVid(uin)).toBe(false);
  });

  it.each([
    ['0274935816', 'starts with 0'],
    ['2345917380', 'ascending run'],
    ['2743217380', 'descending run'],
    ['2743375816', 'adjacent repeat'],
    ['2743475816', 'repeat one apart'],
    ['2749305749', 'repeated block'],
    ['2786493517', 'contains 786'],
    ['2486935170', 'three even digits from 2468 (UIN)'],
  ])('filters %s (%s)', (id) => {
    expect(passesIdFilters(id, 'UIN')).toBe(false);
  });

  it('generates valid, filtered ids from a digit source', () => {
    const rand = createPrng(7);
    const next = () => pick(rand, 10);
    for (let i = 0; i < 20; i++) {
      const uin = generateId('UIN', next);
      const vid = generateId('VID', next);
      expect(isValidUin(uin)).toBe(true);
      expect(isValidVid(vid)).toBe(true);
      expect(passesIdFilters(uin, 'UIN')).toBe(true);
      expect(passesIdFilters(vid, 'VID')).toBe(true);
    }
  });
});
