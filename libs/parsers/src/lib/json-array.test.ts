import { parseJsonArray } from '../index.js';
import { chunked, codesOf, collect, countingSource, dataOf } from '../../test/helpers.js';

const parse = (text: string | Uint8Array, chunk = 5) => collect(parseJsonArray(chunked(text, chunk)));

describe('parseJsonArray', () => {
  it('yields each object with its 1-based index, whatever the chunking', async () => {
    const text = ' [ {"vid":"1","name":"A ] } \\" ["}, {"vid":"2","addr":{"l":["x",{"y":1}]}} ]\n';
    for (const size of [1, 3, 1000]) {
      expect(await parse(text, size)).toEqual([
        { lineNo: 1, data: { vid: '1', name: 'A ] } " [' } },
        { lineNo: 2, data: { vid: '2', addr: { l: ['x', { y: 1 }] } } },
      ]);
    }
  });

  it('strips a BOM and reads an empty array as no records', async () => {
    expect(await parse(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('[]')]), 1)).toEqual([]);
  });

  it('reports non-object elements per element and carries on', async () => {
    const recs = await parse('[1, "s", null, [], {"vid":"5"}, true, {"vid":"7"}]', 2);
    expect(codesOf(recs)).toEqual([[1, 'JSON_NOT_OBJECT'], [2, 'JSON_NOT_OBJECT'], [3, 'JSON_NOT_OBJECT'], [4, 'JSON_NOT_OBJECT'], [6, 'JSON_NOT_OBJECT']]);
    expect(recs.filter((r) => 'data' in r)).toEqual([{ lineNo: 5, data: { vid: '5' } }, { lineNo: 7, data: { vid: '7' } }]);
  });

  it('reports an element that is not valid JSON on its own and carries on', async () => {
    const recs = await parse('[{"vid": tru}, {"vid":"2"}]');
    expect(codesOf(recs)).toEqual([[1, 'JSON_SYNTAX']]);
    expect(recs[1]).toEqual({ lineNo: 2, data: { vid: '2' } });
  });

  it('reports invalid UTF-8 in one element only', async () => {
    const bytes = Buffer.concat([Buffer.from('[{"n":"'), Buffer.from([0xff]), Buffer.from('"},{"n":"ok"}]')]);
    const recs = await parse(bytes, 1);
    expect(codesOf(recs)).toEqual([[1, 'JSON_INVALID_UTF8']]);
    expect(recs[1]).toEqual({ lineNo: 2, data: { n: 'ok' } });
  });

  it.each([
    ['not an array', '{"vid":"1"}', [[1, 'JSON_NOT_ARRAY']], 0],
    ['empty input', '', [[1, 'JSON_SYNTAX']], 0],
    ['truncated', '[{"vid":"1"},{"vid":"2"', [[2, 'JSON_SYNTAX']], 1],
    ['missing comma', '[{"vid":"1"} {"vid":"2"}]', [[1, 'JSON_SYNTAX']], 1],
    ['trailing comma', '[{"vid":"1"},]', [[1, 'JSON_SYNTAX']], 1],
    ['mismatched brackets', '[{"vid":"1"},{"a":[1}]', [[2, 'JSON_SYNTAX']], 1],
    ['text after the array', '[{"vid":"1"}] x', [[1, 'JSON_SYNTAX']], 1],
  ])('ends a broken document (%s) with one error record after the valid elements', async (_name, text, codes, valid) => {
    const recs = await parse(text as string);
    expect(codesOf(recs)).toEqual(codes);
    expect(recs.filter((r) => 'data' in r)).toHaveLength(valid as number);
    expect('error' in recs[recs.length - 1]!).toBe(true);
  });

  it('skips an element above maxRecordChars with JSON_RECORD_TOO_LARGE and goes on', async () => {
    const text = `[{"a":1},{"big":"${'x'.repeat(500)}","n":[{"d":"]"}]},{"c":3}]`;
    for (const size of [64, 4096]) {
      const recs = await collect(parseJsonArray(chunked(text, size), { maxRecordChars: 100 }));
      expect(recs[0]).toEqual({ lineNo: 1, data: { a: 1 } });
      expect(codesOf(recs)).toEqual([[2, 'JSON_RECORD_TOO_LARGE']]);
      expect(recs[2]).toEqual({ lineNo: 3, data: { c: 3 } });
    }
  });

  it('streams a large array: 50,000 elements, read lazily', async () => {
    const total = 50_000;
    function* chunks(): Generator<string> {
      yield '[';
      for (let i = 0; i < total; i += 500) {
        const part: string[] = [];
        for (let j = i; j < i + 500; j++) part.push(JSON.stringify({ vid: String(j), name: `Person ${j}`, addr: { line: `${j} Road` } }));
        yield (i === 0 ? '' : ',') + part.join(',');
      }
      yield ']';
    }
    const { source, pulled } = countingSource(chunks());
    const it = parseJsonArray(source)[Symbol.asyncIterator]();
    const first = await it.next();
    expect(first.value).toEqual({ lineNo: 1, data: { vid: '0', name: 'Person 0', addr: { line: '0 Road' } } });
    expect(pulled()).toBeLessThan(5); // the first record came before the rest was read
    let count = 1;
    let last: unknown;
    for (let r = await it.next(); !r.done; r = await it.next()) {
      count++;
      last = r.value;
    }
    expect(count).toBe(total);
    expect(last).toEqual({ lineNo: total, data: { vid: String(total - 1), name: `Person ${total - 1}`, addr: { line: `${total - 1} Road` } } });
    expect(dataOf([first.value!])).toHaveLength(1);
  });
});
