import { parseJsonArray, parseNdjson, splitJsonDocument } from '../index.js';
import { chunked, collect } from '../../test/helpers.js';
import { parseJsonExact } from './json-exact.js';

describe('parseJsonExact', () => {
  it('keeps integers beyond 2^53 as their digits, and leaves every other value as JSON.parse reads it', () => {
    expect(parseJsonExact('{"vid": 9007199254740993, "uin": -12345678901234567890, "n": 9007199254740991, "f": 12345678901234567.5}')).toEqual({
      vid: '9007199254740993',
      uin: '-12345678901234567890',
      n: 9007199254740991,
      f: 12345678901234567.5,
    });
    expect(parseJsonExact('[1234567890123456789, [9999999999999999], {"a": [1e20, 99999999999999999]}]')).toEqual([
      '1234567890123456789',
      ['9999999999999999'],
      { a: [1e20, '99999999999999999'] },
    ]);
    expect(parseJsonExact('12345678901234567890')).toBe('12345678901234567890');
  });

  it('does not touch digits inside strings, escapes included', () => {
    const text = '{"a": "x\\"12345678901234567890", "b\\\\": 12345678901234567890, "c": "12345678901234567890"}';
    expect(parseJsonExact(text)).toEqual({ a: 'x"12345678901234567890', 'b\\': '12345678901234567890', c: '12345678901234567890' });
  });

  it('leaves invalid text invalid: a number as a key, a leading zero', () => {
    for (const text of ['{12345678901234567890: 1}', '{"a": 1, 12345678901234567890: 2}', '[012345678901234567]', '{"a": 12345678901234567890']) {
      expect(() => parseJsonExact(text)).toThrow(SyntaxError);
    }
  });
});

describe('the JSON parsers keep a 16-digit id sent as a number', () => {
  const vid = '9007199254740993'; // JSON.parse reads ...992
  const text = `[{"vid": ${vid}, "name": "Synthetic Person"}]`;
  it('parseJsonArray, parseNdjson and splitJsonDocument', async () => {
    expect(await collect(parseJsonArray(chunked(text, 7)))).toEqual([{ lineNo: 1, data: { vid, name: 'Synthetic Person' } }]);
    expect(await collect(parseNdjson(chunked(`{"vid": ${vid}}\n`, 5)))).toEqual([{ lineNo: 1, data: { vid } }]);
    const parts = await collect(splitJsonDocument(chunked(`{"request": {"authdata": ${text}}}`, 9), { path: ['request', 'authdata'] }));
    expect(parts[0]).toEqual({ kind: 'element', index: 0, value: { vid, name: 'Synthetic Person' } });
  });
});
