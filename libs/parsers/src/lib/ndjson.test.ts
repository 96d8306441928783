import { parseNdjson } from '../index.js';
import { chunked, codesOf, collect } from '../../test/helpers.js';

const parse = (text: string | Uint8Array, chunk = 4, max?: number) =>
  collect(parseNdjson(chunked(text, chunk), max === undefined ? {} : { maxRecordChars: max }));

describe('parseNdjson', () => {
  it('yields one object per line with its physical line number, skipping blank lines, CRLF or LF', async () => {
    const text = '\ufeff{"vid":"1"}\r\n\r\n   \n{"vid":"2","n":{"a":[1]}}\n{"vid":"3"}';
    for (const size of [1, 4, 100]) {
      expect(await parse(text, size)).toEqual([
        { lineNo: 1, data: { vid: '1' } },
        { lineNo: 4, data: { vid: '2', n: { a: [1] } } },
        { lineNo: 5, data: { vid: '3' } },
      ]);
    }
  });

  it('reports bad lines with stable codes and carries on', async () => {
    const bytes = Buffer.concat([Buffer.from('{"vid":"1"}\n{"vid":\n[1]\n"x"\n{"n":"'), Buffer.from([0xfe]), Buffer.from('"}\n{"vid":"6"}\n')]);
    const recs = await parse(bytes, 3);
    expect(codesOf(recs)).toEqual([[2, 'NDJSON_SYNTAX'], [3, 'NDJSON_NOT_OBJECT'], [4, 'NDJSON_NOT_OBJECT'], [5, 'NDJSON_INVALID_UTF8']]);
    expect(recs[recs.length - 1]).toEqual({ lineNo: 6, data: { vid: '6' } });
  });

  it('keeps personal data out of syntax error messages', async () => {
    const [rec] = await parse('{"name":"Asha Rao",}\n');
    expect(rec).toEqual({ lineNo: 1, error: { code: 'NDJSON_SYNTAX', message: expect.any(String) } });
    expect(JSON.stringify(rec)).not.toContain('Asha');
  });

  it('skips an over-long line, reports it, and resumes on the next line', async () => {
    const text = `{"a":1}\n{"big":"${'x'.repeat(300)}"}\n{"c":3}\n`;
    const recs = await parse(text, 16, 50);
    expect(recs).toEqual([
      { lineNo: 1, data: { a: 1 } },
      { lineNo: 2, error: { code: 'NDJSON_RECORD_TOO_LARGE', message: expect.any(String) } },
      { lineNo: 3, data: { c: 3 } },
    ]);
  });

  it('reads an empty input as no records', async () => {
    expect(await parse('')).toEqual([]);
    expect(await parse('\n\n')).toEqual([]);
  });
});
