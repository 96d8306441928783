import { DEFAULT_MAX_DEPTH, exceedsJsonDepth, parseJsonArray, parseNdjson, splitJsonDocument, JsonDocumentError } from '../index.js';
import { chunked, codesOf, collect, dataOf } from '../../test/helpers.js';

/** `{"x":[[…]]}` with `levels` containers in all (the object included). */
const nested = (levels: number) => `{"x":${'['.repeat(levels - 1)}${']'.repeat(levels - 1)}}`;

describe('nesting depth', () => {
  it('measures depth iteratively, on values far deeper than the stack allows', () => {
    expect(exceedsJsonDepth({ a: [[1]] }, 3)).toBe(false);
    expect(exceedsJsonDepth({ a: [[1]] }, 2)).toBe(true);
    expect(exceedsJsonDepth('text', 0)).toBe(false);
    expect(exceedsJsonDepth(JSON.parse(nested(200_000)))).toBe(true);
    expect(exceedsJsonDepth(JSON.parse(nested(DEFAULT_MAX_DEPTH)))).toBe(false);
  });

  it('turns a JSON array element nested 5,000 deep into JSON_RECORD_TOO_DEEP and goes on', async () => {
    const text = `[{"vid":"1"},${nested(5000)},${nested(DEFAULT_MAX_DEPTH)},{"vid":"4"}]`;
    const recs = await collect(parseJsonArray(chunked(text, 4096)));
    expect(codesOf(recs)).toEqual([[2, 'JSON_RECORD_TOO_DEEP']]);
    expect(recs.map((r) => r.lineNo)).toEqual([1, 2, 3, 4]);
    expect(JSON.stringify(dataOf(recs.filter((r) => !('error' in r))))).toContain('"vid":"4"');
  });

  it('turns an NDJSON line nested 5,000 deep into NDJSON_RECORD_TOO_DEEP and goes on', async () => {
    const recs = await collect(parseNdjson(chunked(`{"vid":"1"}\n${nested(5000)}\n{"vid":"3"}\n`, 4096), { maxDepth: 10 }));
    expect(codesOf(recs)).toEqual([[2, 'NDJSON_RECORD_TOO_DEEP']]);
    expect(recs).toHaveLength(3);
  });

  it.each([
    ['a record in the streamed array', (deep: string) => `{"request":{"authdata":[{"vid":"1"},${deep}]}}`],
    ['a field of the head', (deep: string) => `{"request":{"mapping":${deep},"authdata":[{"vid":"1"}]}}`],
  ])('splitJsonDocument throws JSON_DOCUMENT_TOO_DEEP for %s', async (_label, doc) => {
    const run = async (text: string) => {
      for await (const _part of splitJsonDocument(chunked(text, 1000), { path: ['request', 'authdata'] }));
    };
    await expect(run(doc(nested(5000)))).rejects.toMatchObject({ code: 'JSON_DOCUMENT_TOO_DEEP' });
    await expect(run(doc(nested(5000)))).rejects.toBeInstanceOf(JsonDocumentError);
    await expect(run(doc(nested(DEFAULT_MAX_DEPTH - 4)))).resolves.toBeUndefined();
  });
});
