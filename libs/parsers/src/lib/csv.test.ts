import { Readable } from 'node:stream';
import { parseCsv, ParserError } from '../index.js';
import { chunked, codesOf, collect, countingSource, dataOf } from '../../test/helpers.js';

const csv = (text: string | Uint8Array, options = {}, chunk = 7) => collect(parseCsv(chunked(text, chunk), options));

describe('parseCsv torture corpus', () => {
  it('reads a header row and keeps numeric-looking values as strings', async () => {
    const recs = await csv('vid,name,dob\n0123,Asha Rao,1990/01/02\n42,B,\n');
    expect(recs).toEqual([
      { lineNo: 2, data: { vid: '0123', name: 'Asha Rao', dob: '1990/01/02' } },
      { lineNo: 3, data: { vid: '42', name: 'B', dob: '' } },
    ]);
  });

  it('strips a UTF-8 BOM, even split across chunks, so the first column is "vid" (MTS bug 8)', async () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('vid,name\n1,a\n')]);
    for (const size of [1, 2, 64]) {
      expect(dataOf(await csv(bytes, {}, size))).toEqual([{ vid: '1', name: 'a' }]);
    }
  });

  it('strips a BOM given as text too', async () => {
    expect(dataOf(await collect(parseCsv(Readable.from(['\ufeffvid\n', '7\n']))))).toEqual([{ vid: '7' }]);
  });

  it('unquotes fields with delimiters, doubled quotes and embedded newlines; lineNo is the physical start line', async () => {
    const text = 'vid,addr,note\n1,"12, Main St\nFlat 3","say ""hi"""\n2,"x\r\ny",z\n3,plain,p\n';
    const recs = await csv(text, {}, 3);
    expect(recs).toEqual([
      { lineNo: 2, data: { vid: '1', addr: '12, Main St\nFlat 3', note: 'say "hi"' } },
      { lineNo: 4, data: { vid: '2', addr: 'x\r\ny', note: 'z' } },
      { lineNo: 6, data: { vid: '3', addr: 'plain', note: 'p' } },
    ]);
  });

  it('handles CRLF line ends split at every byte, and a last row without a line end', async () => {
    const recs = await csv('vid,name\r\n1,a\r\n2,"b\r\nc"\r\n3,d', {}, 1);
    expect(recs).toEqual([
      { lineNo: 2, data: { vid: '1', name: 'a' } },
      { lineNo: 3, data: { vid: '2', name: 'b\r\nc' } },
      { lineNo: 5, data: { vid: '3', name: 'd' } },
    ]);
  });

  it('handles old Mac CR-only line ends', async () => {
    expect(dataOf(await csv('vid,name\r1,a\r2,b', {}, 4))).toEqual([{ vid: '1', name: 'a' }, { vid: '2', name: 'b' }]);
  });

  it('reports ragged rows per line and carries on', async () => {
    const recs = await csv('a,b,c\n1,2,3\n1,2\n1,2,3,4\n5,6,7\n');
    expect(codesOf(recs)).toEqual([[3, 'CSV_TOO_FEW_FIELDS'], [4, 'CSV_TOO_MANY_FIELDS']]);
    expect(recs.filter((r) => 'data' in r).map((r) => r.lineNo)).toEqual([2, 5]);
  });

  it('reports invalid UTF-8 on the row that holds it, whatever the chunking', async () => {
    const bytes = Buffer.concat([Buffer.from('vid,name\n1,ok\n2,'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('\n3,caf\u00e9 \ufffd\n')]);
    for (const size of [1, 5, 1000]) {
      const recs = await csv(bytes, {}, size);
      expect(codesOf(recs)).toEqual([[3, 'CSV_INVALID_UTF8']]);
      // A genuine U+FFFD in valid UTF-8 is data, not an error.
      expect(recs[2]).toEqual({ lineNo: 4, data: { vid: '3', name: 'caf\u00e9 \ufffd' } });
    }
  });

  it('reports invalid UTF-8 in the header row and still reads the data', async () => {
    const recs = await csv(Buffer.concat([Buffer.from('vid,n'), Buffer.from([0xff]), Buffer.from('\n1,a\n')]), {}, 3);
    expect(codesOf(recs)).toEqual([[1, 'CSV_INVALID_UTF8']]);
    expect(recs[1]).toEqual({ lineNo: 2, data: { vid: '1', 'n\uFFFD': 'a' } });
  });

  it('reports a truncated multi-byte sequence at the very end', async () => {
    const recs = await csv(Buffer.concat([Buffer.from('v\n1\n'), Buffer.from([0xe2, 0x82])]), {}, 2);
    expect(codesOf(recs)).toEqual([[3, 'CSV_INVALID_UTF8']]);
  });

  it('rejects overlong encodings and UTF-16 surrogates written in UTF-8', async () => {
    const recs = await csv(Buffer.concat([Buffer.from('v\n'), Buffer.from([0xc0, 0xaf]), Buffer.from('\n'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('\nok\n')]));
    expect(codesOf(recs)).toEqual([[2, 'CSV_INVALID_UTF8'], [3, 'CSV_INVALID_UTF8']]);
    expect(recs[2]).toEqual({ lineNo: 4, data: { v: 'ok' } });
  });

  it('reads a 1 MB quoted field in small chunks', async () => {
    const big = 'x'.repeat(1024 * 1024 - 3) + ',\n"';
    const text = `vid,blob,after\n1,"${big.replace(/"/g, '""')}",z\n2,b,c\n`;
    const recs = await csv(text, {}, 8 * 1024);
    expect(recs).toHaveLength(2);
    expect(recs[0]).toEqual({ lineNo: 2, data: { vid: '1', blob: big, after: 'z' } });
    expect(recs[1]).toEqual({ lineNo: 4, data: { vid: '2', blob: 'b', after: 'c' } });
  });

  it('stops with CSV_RECORD_TOO_LARGE when an unclosed quote outgrows maxRecordChars', async () => {
    const text = 'vid,name\n1,ok\n2,"never closed ' + 'y'.repeat(5000) + '\n3,z\n';
    const recs = await csv(text, { maxRecordChars: 1000 }, 256);
    expect(recs[0]).toEqual({ lineNo: 2, data: { vid: '1', name: 'ok' } });
    expect(codesOf(recs)).toEqual([[3, 'CSV_RECORD_TOO_LARGE']]);
  });

  it('stops with CSV_RECORD_TOO_LARGE on input with no line end at all', async () => {
    const recs = await csv('x'.repeat(5000), { maxRecordChars: 1000 }, 256);
    expect(codesOf(recs)).toEqual([[1, 'CSV_RECORD_TOO_LARGE']]);
  });

  it('reports an unclosed quote at the end of the input', async () => {
    const recs = await csv('vid,name\n1,a\n2,"open\nmore\n');
    expect(codesOf(recs)).toEqual([[3, 'CSV_UNCLOSED_QUOTE']]);
  });

  it('reports text after a closing quote and resumes once the quotes balance', async () => {
    const recs = await csv('vid,name,z\n1,"a"b",x\n2,c,d\n');
    expect(codesOf(recs)).toEqual([[2, 'CSV_INVALID_QUOTES']]);
    expect(recs[1]).toEqual({ lineNo: 3, data: { vid: '2', name: 'c', z: 'd' } });
  });

  it('lets an unbalanced stray quote run to the end of the input, as CSV requires, reported once', async () => {
    const recs = await csv('vid,name\n1,"a"b\n2,c\n');
    expect(recs).toEqual([{ lineNo: 2, error: { code: 'CSV_INVALID_QUOTES', message: expect.any(String) } }]);
  });

  it.each([
    [';', 'vid;name\n1;a,b\n'],
    ['\t', 'vid\tname\n1\ta,b\n'],
    ['|', 'vid|name\n1|a,b\n'],
    ['::', 'vid::name\n1::a,b\n'],
  ])('accepts the delimiter %j', async (delimiter, text) => {
    expect(dataOf(await csv(text, { delimiter }, 3))).toEqual([{ vid: '1', name: 'a,b' }]);
  });

  it('maps columns by index without a header', async () => {
    const recs = await csv('1,Asha\n2,Ravi\n', { header: false, columns: ['vid', 'name'] });
    expect(recs).toEqual([{ lineNo: 1, data: { vid: '1', name: 'Asha' } }, { lineNo: 2, data: { vid: '2', name: 'Ravi' } }]);
  });

  it('uses positions as keys without a header or columns, the first row setting the width', async () => {
    const recs = await csv('1,Asha\n2\n', { header: false });
    expect(recs[0]).toEqual({ lineNo: 1, data: { 0: '1', 1: 'Asha' } });
    expect(codesOf(recs)).toEqual([[2, 'CSV_TOO_FEW_FIELDS']]);
  });

  it('lets columns replace the names of a header row', async () => {
    expect(dataOf(await csv('Id Number,Full-Name\n1,A\n', { columns: ['vid', 'name'] }))).toEqual([{ vid: '1', name: 'A' }]);
  });

  it('skips blank lines but counts them', async () => {
    expect(await csv('vid\n\n1\n\n\n2\n')).toEqual([{ lineNo: 3, data: { vid: '1' } }, { lineNo: 6, data: { vid: '2' } }]);
  });

  it('yields CSV_EMPTY for an empty input and nothing for a header-only input', async () => {
    expect(await csv('')).toEqual([{ lineNo: 1, error: { code: 'CSV_EMPTY', message: expect.any(String) } }]);
    expect(await csv(Buffer.from([0xef, 0xbb, 0xbf]))).toEqual([{ lineNo: 1, error: { code: 'CSV_EMPTY', message: expect.any(String) } }]);
    expect(await csv('vid,name\n')).toEqual([]);
    expect(await csv('vid,name')).toEqual([]);
    expect(await csv('', { header: false })).toEqual([]);
  });

  it('reports duplicate header names and keeps the first column', async () => {
    const recs = await csv('vid,name,vid\n1,a,2\n');
    expect(codesOf(recs)).toEqual([[1, 'CSV_DUPLICATE_HEADER']]);
    expect(recs[1]).toEqual({ lineNo: 2, data: { vid: '1', name: 'a' } });
  });

  it('makes a __proto__ column an own property, never the prototype', async () => {
    const [rec] = dataOf(await csv('__proto__,vid\n{},1\n'));
    expect(Object.getPrototypeOf(rec)).toBe(Object.prototype);
    expect(Object.keys(rec!)).toEqual(['__proto__', 'vid']);
  });

  it('refuses a delimiter that cannot work', async () => {
    await expect(csv('a\n', { delimiter: '"' })).rejects.toMatchObject({ code: 'PARSER_INVALID_OPTIONS' });
    await expect(csv('a\n', { delimiter: '' })).rejects.toBeInstanceOf(ParserError);
  });

  it('wraps a failing source in PARSER_SOURCE_ERROR', async () => {
    async function* broken(): AsyncGenerator<string> {
      yield 'vid\n1\n';
      throw new Error('disk gone');
    }
    await expect(collect(parseCsv(broken()))).rejects.toMatchObject({ code: 'PARSER_SOURCE_ERROR' });
  });

  it('reads a Node Readable', async () => {
    expect(dataOf(await collect(parseCsv(Readable.from([Buffer.from('vid\n1\n')]))))).toEqual([{ vid: '1' }]);
  });

  it('pulls the source only as fast as a slow consumer reads', async () => {
    const chunks = Array.from({ length: 500 }, (_, i) => `${i},name-${i}\n`.repeat(100));
    const { source, pulled } = countingSource(['vid,name\n', ...chunks]);
    const it = parseCsv(source)[Symbol.asyncIterator]();
    for (let i = 0; i < 250; i++) await it.next();
    expect(pulled()).toBeLessThanOrEqual(5);
    await it.return?.(undefined);
    expect(pulled()).toBeLessThan(10);
  });
});

describe('parseCsv line ends', () => {
  it('reads CR-only line ends (old Mac Excel), split anywhere', async () => {
    for (const size of [1, 3, 64]) {
      const recs = await csv('vid,name\r1,A\r2,"B\rC"\r3,D\r', {}, size);
      expect(recs).toEqual([
        { lineNo: 2, data: { vid: '1', name: 'A' } },
        { lineNo: 3, data: { vid: '2', name: 'B\rC' } },
        { lineNo: 5, data: { vid: '3', name: 'D' } },
      ]);
    }
  });

  it.each([
    ['CRLF, then LF and CR', 'vid,name\r\n1,A\n2,B\r3,C\r\n'],
    ['LF, then CRLF and CR', 'vid,name\n1,A\r\n2,B\r3,C\n'],
    ['CR, then LF and CRLF', 'vid,name\r1,A\n2,B\r\n3,C\r'],
  ])('reads mixed line ends (%s) as the same rows, keeping those inside quotes', async (_label, text) => {
    for (const size of [1, 2, 5, 64]) {
      expect(dataOf(await csv(text, {}, size))).toEqual([{ vid: '1', name: 'A' }, { vid: '2', name: 'B' }, { vid: '3', name: 'C' }]);
    }
    const quoted = await csv('vid,name\r\n1,"x\ny"\n2,B\r', {}, 3);
    expect(dataOf(quoted)).toEqual([{ vid: '1', name: 'x\ny' }, { vid: '2', name: 'B' }]);
  });
});
