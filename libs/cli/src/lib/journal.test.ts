import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Journal, type JournalHeader } from './journal.js';

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'cli-journal-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const header: JournalHeader = { mtsSeed: 1, mode: 'embedded', input: { size: 10, mtimeMs: 1 }, fingerprint: 'f' };
const entry = (seq: number) => ({ seq, lineNo: seq + 2, outcome: 'processed' as const, row: { vid: `v${seq}`, note: 'é'.repeat(seq) } });
const collect = async (it: AsyncIterable<unknown>) => {
  const all = [];
  for await (const x of it) all.push(x);
  return all;
};

describe('Journal', () => {
  it('gives rows back in input order whatever order they were journaled in, across a resume', async () => {
    const path = join(dir, 'out.csv.journal');
    const j = await Journal.create(path, header);
    await Promise.all([3, 0, 2].map((s) => j.append([entry(s)])));
    await j.close();
    // A kill mid-write leaves a torn line: the resume cuts it and appends after the last whole one.
    appendFileSync(path, '{"seq":1,"lineNo":3,"outc');
    const r = await Journal.resume(path, header);
    expect([r.done, r.has(0, 2), r.has(1, 3), r.has(3, 5)]).toEqual([3, true, false, true]);
    expect(() => r.has(2, 99)).toThrow('no longer matches');
    await r.append([entry(1), entry(4)]);
    await r.close();
    expect(readFileSync(path, 'utf8')).not.toContain('"outc\n');
    const again = await Journal.resume(path, header);
    expect(await collect(again.rows(5))).toEqual([0, 1, 2, 3, 4].map((s) => entry(s).row));
    expect(again.counts).toEqual({ processed: 5, error: 0, invalid: 0 });
    await again.close();
  });

  it('refuses to overwrite a journal, to resume another run, and reports a missing row', async () => {
    const path = join(dir, 'j');
    const j = await Journal.create(path, header);
    await j.append([entry(0)]);
    await j.close();
    await expect(Journal.create(path, header)).rejects.toMatchObject({ exitCode: 2, code: 'JOURNAL_EXISTS' });
    await expect(Journal.resume(path, { ...header, fingerprint: 'g' })).rejects.toMatchObject({ exitCode: 2, code: 'JOURNAL_MISMATCH' });
    await expect(Journal.resume(path, { ...header, input: { size: 11, mtimeMs: 1 } })).rejects.toMatchObject({ code: 'JOURNAL_MISMATCH' });
    const r = await Journal.resume(path, header);
    await expect(collect(r.rows(2))).rejects.toThrow('no entry for record 1');
    await r.close();
    writeFileSync(path, '');
    await expect(Journal.resume(path, header)).rejects.toMatchObject({ code: 'JOURNAL_DAMAGED' });
  });
});
