// The per-record cap (maxRecordChars, default 16 Mi characters) holds wherever the record falls in the chunks:
// a record that arrives whole in one chunk used to pass whatever its size.
import { parseCsv, parseJsonArray, parseNdjson, splitJsonDocument } from '../index.js';
import { chunked, codesOf, collect } from '../../test/helpers.js';

const MiB = 1024 * 1024;

describe('record size cap', () => {
  it('skips a CSV record with a 17 MiB field (default cap 16 Mi) and keeps the records around it', async () => {
    const text = `vid,name\n1,A\n2,${'x'.repeat(17 * MiB)}\n3,C\n`;
    for (const size of [64 * 1024, 64 * MiB]) {
      const recs = await collect(parseCsv(chunked(text, size)));
      expect(codesOf(recs)).toEqual([[3, 'CSV_RECORD_TOO_LARGE']]);
      expect(recs.filter((r) => 'data' in r).map((r) => r.lineNo)).toEqual([2, 4]);
    }
  });

  it('skips an over-long CSV record with quoted line breaks and counts its lines', async () => {
    const big = `"${'y'.repeat(300)}\n""q"",\n${'z'.repeat(300)}"`;
    const text = `vid,blob\n1,a\n2,${big}\n3,c\n`;
    for (const size of [16, 100, 4096]) {
      const recs = await collect(parseCsv(chunked(text, size), { maxRecordChars: 200 }));
      expect(codesOf(recs)).toEqual([[3, 'CSV_RECORD_TOO_LARGE']]);
      expect(recs[recs.length - 1]).toEqual({ lineNo: 6, data: { vid: '3', blob: 'c' } });
    }
  });

  it('still ends the stream at an unclosed quote that outgrows the cap', async () => {
    const recs = await collect(parseCsv(chunked(`vid,name\n1,a\n2,"open ${'y'.repeat(5000)}\n3,z\n`, 256), { maxRecordChars: 1000 }));
    expect(codesOf(recs)).toEqual([[3, 'CSV_RECORD_TOO_LARGE']]);
    expect(recs).toHaveLength(2);
  });

  it('skips an NDJSON line over the cap that arrives whole in one chunk', async () => {
    const recs = await collect(parseNdjson(chunked(`{"a":1}\n{"b":"${'x'.repeat(500)}"}\n{"c":3}\n`, 4096), { maxRecordChars: 100 }));
    expect(codesOf(recs)).toEqual([[2, 'NDJSON_RECORD_TOO_LARGE']]);
    expect(recs).toHaveLength(3);
  });

  it('skips a JSON array element over the cap that arrives whole in one chunk', async () => {
    const recs = await collect(parseJsonArray(chunked(`[{"a":1},{"b":"${'x'.repeat(500)}"},{"c":3}]`, 4096), { maxRecordChars: 100 }));
    expect(codesOf(recs)).toEqual([[2, 'JSON_RECORD_TOO_LARGE']]);
    expect(recs).toHaveLength(3);
  });

  it('splitJsonDocument refuses an element over maxElementChars that arrives whole in one chunk', async () => {
    const run = async () => {
      for await (const _ of splitJsonDocument(chunked(`{"request":{"authdata":[{"b":"${'x'.repeat(500)}"}]}}`, 4096), { path: ['request', 'authdata'], maxElementChars: 100 }));
    };
    await expect(run()).rejects.toMatchObject({ code: 'JSON_DOCUMENT_ELEMENT_TOO_LARGE' });
  });
});
