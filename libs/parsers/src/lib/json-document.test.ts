import { JsonDocumentError, splitJsonDocument, type JsonDocumentPart, type SplitJsonDocumentOptions } from '../index.js';
import { chunked, countingSource } from '../../test/helpers.js';

const PATH = ['request', 'authdata'];

async function split(source: AsyncIterable<Uint8Array | string>, options: Partial<SplitJsonDocumentOptions> = {}) {
  const elements: unknown[] = [];
  let last: Extract<JsonDocumentPart, { kind: 'head' }> | undefined;
  for await (const part of splitJsonDocument(source, { path: PATH, ...options })) {
    if (last) throw new Error('a part after the head');
    if (part.kind === 'element') {
      expect(part.index).toBe(elements.length);
      elements.push(part.value);
    } else last = part;
  }
  return { elements, head: last!.head, streamed: last!.streamed, count: last!.count };
}

/** The document in two pieces, cut at byte `at`. */
async function* cutAt(text: string | Uint8Array, at: number): AsyncGenerator<Uint8Array> {
  const b = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  yield b.subarray(0, at);
  yield b.subarray(at);
}

const codeOf = async (text: string | Uint8Array, options: Partial<SplitJsonDocumentOptions> = {}) => {
  try {
    await split(chunked(text, 3), options);
    return 'no error';
  } catch (err) {
    expect(err).toBeInstanceOf(JsonDocumentError);
    return (err as JsonDocumentError).code;
  }
};

describe('splitJsonDocument', () => {
  const doc =
    '\ufeff{ "id": "x", "request": {"output": "json", "mapping": {"name": ["a]b"]},\n' +
    '"authdata" : [ {"vid":"1","name":"A ] } \\" [ \\\\"}, {"vid":"2","l":[["x"],{"y":[1,2]}]}, 3, "s\\"]", null, [] ],' +
    ' "lang": "eng" }, "requesttime": "t\u00e9" }';
  const expected = {
    elements: [{ vid: '1', name: 'A ] } " [ \\' }, { vid: '2', l: [['x'], { y: [1, 2] }] }, 3, 's"]', null, []],
    head: { id: 'x', request: { output: 'json', mapping: { name: ['a]b'] }, authdata: [], lang: 'eng' }, requesttime: 't\u00e9' },
    streamed: true,
    count: 6,
  };

  it('yields the elements and then the head, for the document cut at every byte', async () => {
    const bytes = Buffer.from(doc, 'utf8');
    for (let at = 0; at <= bytes.length; at++) expect(await split(cutAt(bytes, at))).toEqual(expected);
    expect(await split(chunked(bytes, 1))).toEqual(expected);
    expect(await split((async function* () { yield doc; })())).toEqual(expected);
  });

  it('leaves a path that is not an array in the head, and reads a missing one as absent', async () => {
    for (const value of ['"text"', '{"vid":"1"}', 'null', '7']) {
      const text = `{"request":{"authdata":${value},"x":[1]}}`;
      expect(await split(chunked(text, 2))).toEqual({ elements: [], head: JSON.parse(text), streamed: false, count: 0 });
    }
    const other = '{"request":{"other":[1,2]},"authdata":[3]}';
    expect(await split(chunked(other, 2))).toEqual({ elements: [], head: JSON.parse(other), streamed: false, count: 0 });
  });

  it('streams an empty array and fields on either side of it', async () => {
    expect(await split(chunked('{"request":{"authdata":[ ]},"z":1}', 1))).toEqual({ elements: [], head: { request: { authdata: [] }, z: 1 }, streamed: true, count: 0 });
  });

  it('treats a later duplicate of an ancestor key as replacing the streamed array, as JSON.parse does', async () => {
    const r = await split(chunked('{"request":{"authdata":[{"a":1}]},"request":{"output":"json"}}', 4));
    expect(r).toMatchObject({ head: { request: { output: 'json' } }, streamed: false, count: 1 });
  });

  it('reads pulled chunks only as fast as elements are consumed', async () => {
    const chunks = ['{"request":{"authdata":[', ...Array.from({ length: 50 }, (_, k) => `${k ? ',' : ''}{"vid":"${k}"}`), ']}}'];
    const { source, pulled } = countingSource(chunks);
    const it = splitJsonDocument(source, { path: PATH })[Symbol.asyncIterator]();
    await it.next();
    expect(pulled()).toBeLessThan(5);
    await it.return(undefined);
  });

  it.each([
    ['empty', '', 'JSON_DOCUMENT_EMPTY'],
    ['whitespace', ' \n', 'JSON_DOCUMENT_EMPTY'],
    ['not JSON', 'hello', 'JSON_DOCUMENT_SYNTAX'],
    ['a broken head', '{"request":{"authdata":[]}, oops}', 'JSON_DOCUMENT_SYNTAX'],
    ['a broken element', '{"request":{"authdata":[{"a":tru}]}}', 'JSON_DOCUMENT_SYNTAX'],
    ['a missing comma', '{"request":{"authdata":[{"a":1} {"a":2}]}}', 'JSON_DOCUMENT_SYNTAX'],
    ['a trailing comma', '{"request":{"authdata":[{"a":1},]}}', 'JSON_DOCUMENT_SYNTAX'],
    ['a mismatched bracket', '{"request":{"authdata":[{"a":[1}]}}', 'JSON_DOCUMENT_SYNTAX'],
    ['text after the document', '{"request":{}} x', 'JSON_DOCUMENT_SYNTAX'],
    ['truncated in the array', '{"request":{"authdata":[{"a":1},{"a"', 'JSON_DOCUMENT_TRUNCATED'],
    ['truncated after the array', '{"request":{"authdata":[{"a":1}]', 'JSON_DOCUMENT_TRUNCATED'],
    ['truncated in a string', '{"request":{"lang":"en', 'JSON_DOCUMENT_TRUNCATED'],
    ['an array', '[{"a":1}]', 'JSON_DOCUMENT_NOT_OBJECT'],
    ['a string', '"x"', 'JSON_DOCUMENT_NOT_OBJECT'],
    ['a duplicate array', '{"request":{"authdata":[1],"authdata":[2]}}', 'JSON_DOCUMENT_DUPLICATE_PATH'],
  ])('reports %s with a stable code', async (_label, text, code) => {
    expect(await codeOf(text)).toBe(code);
  });

  it('says what a valid non-object document is', async () => {
    await expect(split(chunked('[1]'))).rejects.toMatchObject({ code: 'JSON_DOCUMENT_NOT_OBJECT', valueType: 'array' });
    await expect(split(chunked('null'))).rejects.toMatchObject({ code: 'JSON_DOCUMENT_NOT_OBJECT', valueType: 'null' });
  });

  it('enforces the head and element limits, whatever the array holds', async () => {
    const big = `{"request":{"authdata":[${Array.from({ length: 200 }, () => '{"vid":"1234567890"}').join(',')}]}}`;
    expect((await split(chunked(big, 64), { maxHeadChars: 40, maxElementChars: 30 })).count).toBe(200);
    expect(await codeOf(`{"x":"${'a'.repeat(100)}","request":{"authdata":[]}}`, { maxHeadChars: 50 })).toBe('JSON_DOCUMENT_HEAD_TOO_LARGE');
    expect(await codeOf(`{"request":{"authdata":[{"x":"${'a'.repeat(100)}"}]}}`, { maxElementChars: 50 })).toBe('JSON_DOCUMENT_ELEMENT_TOO_LARGE');
  });

  it('rejects invalid UTF-8, or reads it as U+FFFD when asked', async () => {
    const bytes = Buffer.concat([Buffer.from('{"request":{"authdata":[{"n":"a'), Buffer.from([0xff]), Buffer.from('"}]}}')]);
    expect(await codeOf(bytes)).toBe('JSON_DOCUMENT_INVALID_UTF8');
    expect((await split(chunked(bytes, 5), { invalidUtf8: 'replace' })).elements).toEqual([{ n: 'a\uFFFD' }]);
  });

  it('never quotes the document in its errors', async () => {
    const err = await split(chunked('{"request":{"authdata":[{"vid":SECRET}]}}')).catch((e: Error) => e);
    expect(String((err as Error).message)).not.toContain('SECRET');
  });

  it('rejects an empty path', async () => {
    await expect(split(chunked('{}'), { path: [] })).rejects.toMatchObject({ code: 'PARSER_INVALID_OPTIONS' });
  });
});
