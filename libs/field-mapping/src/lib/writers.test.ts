import Papa from 'papaparse';
import { csvWriter, jsonArrayWriter, ndjsonWriter } from './writers.js';

async function collect(it: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const c of it) out.push(c);
  return out;
}
const text = async (it: AsyncIterable<string>) => (await collect(it)).join('');
async function* gen<T>(rows: T[]): AsyncIterable<T> {
  yield* rows;
}

describe('csvWriter', () => {
  it('writes the header from the first row and MTS cell rules', async () => {
    const rows = [
      { vid: '1', status: 'processed', token: 'T1', errorCode: null, errorMessage: undefined },
      { vid: '2', status: 'error', token: null, errorCode: 'IDA-MLC-009', errorMessage: 'x' },
    ];
    expect(await text(csvWriter(gen(rows)))).toBe(
      'vid,status,token,errorCode,errorMessage\r\n1,processed,T1,,\r\n2,error,,IDA-MLC-009,x\r\n',
    );
  });

  it('JSON-encodes non-strings and quotes per RFC 4180', async () => {
    const row = { n: 12, b: false, o: { a: 1, b: 'c' }, q: 'say "hi"', c: 'a,b', nl: 'l1\nl2', cr: 'x\ry' };
    expect(await text(csvWriter([row]))).toBe('n,b,o,q,c,nl,cr\r\n12,false,"{""a"":1,""b"":""c""}","say ""hi""","a,b","l1\nl2","x\ry"\r\n');
  });

  it('aligns later rows to the header: missing keys empty, extra keys dropped', async () => {
    const out = await text(csvWriter([{ a: 1, b: 2 }, { b: 'B', extra: 'E' }, { b: 'x', a: 'y' }]));
    expect(out).toBe('a,b\r\n1,2\r\n,B\r\ny,x\r\n');
  });

  it.each(['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx'])('escapes a formula-like cell %j', async (value) => {
    const out = await text(csvWriter([{ v: value }]));
    const cell = out.split('\r\n')[1];
    expect(cell.replace(/^"|"$/g, '').startsWith("'")).toBe(true);
  });

  it('escapes formula-like header names and can turn formula escaping off', async () => {
    expect(await text(csvWriter([{ '=h': '=1' }]))).toBe("'=h\r\n'=1\r\n");
    expect(await text(csvWriter([{ h: '=1' }], { escapeFormulas: false }))).toBe('h\r\n=1\r\n');
  });

  it('does not escape numbers, which are data, not formulas', async () => {
    expect(await text(csvWriter([{ n: -5 }]))).toBe('n\r\n-5\r\n');
  });

  it('supports another delimiter, a fixed header, and writes the fixed header with no rows', async () => {
    expect(await text(csvWriter([{ a: 'x;y', b: 'z' }], { delimiter: ';' }))).toBe('a;b\r\n"x;y";z\r\n');
    expect(await text(csvWriter([], { header: ['vid', 'status'] }))).toBe('vid,status\r\n');
    expect(await text(csvWriter([]))).toBe('');
  });

  it('writes array rows cell by cell and primitives as one cell', async () => {
    expect(await text(csvWriter([['a', 1, null], 'solo', 7]))).toBe('a,1,\r\nsolo\r\n7\r\n');
  });

  it('writes a lone empty cell as "" so that no row becomes a blank line that readers skip (as MTS\'s Python csv)', async () => {
    const out = await text(csvWriter([{ token: 'T1' }, { token: '' }, { token: null }, [''], null, '']));
    expect(out).toBe('token\r\nT1\r\n""\r\n""\r\n""\r\n""\r\n""\r\n');
    expect(await text(csvWriter([{ a: '', b: null }]))).toBe('a,b\r\n,\r\n');
    expect(await text(csvWriter([[]]))).toBe('\r\n');
  });

  it('batches rows into chunks of about chunkSize', async () => {
    const rows = Array.from({ length: 1000 }, (_, i) => ({ vid: String(i), status: 'processed' }));
    const chunks = await collect(csvWriter(gen(rows), { chunkSize: 1024 }));
    expect(chunks.length).toBeGreaterThan(5);
    expect(chunks.length).toBeLessThan(30);
    expect(chunks.join('').split('\r\n')).toHaveLength(1002);
  });
});

describe('csvWriter round trip', () => {
  it('parses back to the same cells with a standard CSV parser', async () => {
    const alphabet = ['a', 'Z', ' ', ',', ';', '"', '\n', '\r\n', 'é', '😀', "'", '=', '-'];
    let seed = 7;
    const rand = (n: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
    const word = () => Array.from({ length: rand(8) }, () => alphabet[rand(alphabet.length)]).join('');
    const rows = Array.from({ length: 300 }, () => ({ a: word(), b: word(), c: word() }));
    for (const delimiter of [',', ';']) {
      const out = await text(csvWriter(rows, { delimiter, escapeFormulas: false, chunkSize: 256 }));
      const parsed = Papa.parse<string[]>(out, { delimiter, newline: '\r\n' }).data.filter((r) => r.length > 1);
      expect(parsed).toEqual([['a', 'b', 'c'], ...rows.map((r) => [r.a, r.b, r.c])]);
    }
  });
});

describe('jsonArrayWriter', () => {
  it('streams a valid JSON array', async () => {
    const rows = [{ a: 1 }, 'x', null, undefined, [1]];
    const out = await text(jsonArrayWriter(gen(rows)));
    expect(JSON.parse(out)).toEqual([{ a: 1 }, 'x', null, null, [1]]);
  });

  it('writes [] for no rows and stays valid across chunks', async () => {
    expect(await text(jsonArrayWriter([]))).toBe('[]');
    const rows = Array.from({ length: 500 }, (_, i) => ({ i }));
    const chunks = await collect(jsonArrayWriter(rows, { chunkSize: 512 }));
    expect(chunks.length).toBeGreaterThan(3);
    expect(JSON.parse(chunks.join(''))).toHaveLength(500);
  });
});

describe('ndjsonWriter', () => {
  it('writes one JSON value per line', async () => {
    const out = await text(ndjsonWriter(gen([{ a: 'x\ny' }, 2, undefined])));
    expect(out).toBe('{"a":"x\\ny"}\n2\nnull\n');
    expect(out.trimEnd().split('\n').map((l) => JSON.parse(l))).toEqual([{ a: 'x\ny' }, 2, null]);
  });

  it('writes nothing for no rows', async () => {
    expect(await collect(ndjsonWriter([]))).toEqual([]);
  });
});
