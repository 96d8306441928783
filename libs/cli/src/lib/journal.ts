import { createReadStream } from 'node:fs';
import { open, stat, truncate, type FileHandle } from 'node:fs/promises';
import { EXIT, SeedError } from './exit-codes.js';

/** The first line of a journal: which run it belongs to. */
export interface JournalHeader {
  mtsSeed: 1;
  mode: 'embedded' | 'server';
  /** Input size and mtime, and a digest of the options that shape the output: a resume must match. */
  input: { size: number; mtimeMs: number };
  fingerprint: string;
}

/** One finished record (embedded mode); `seq` is its 0-based position in the input. */
export interface JournalEntry {
  seq: number;
  lineNo: number;
  outcome: 'processed' | 'error' | 'invalid';
  row: unknown;
}

/** Server mode's one entry: the submitted request. */
export interface ServerEntry {
  requestId: string;
}

const FSYNC_EVERY_MS = 1000;

interface Batch {
  lines: string[];
  entries: JournalEntry[];
  resolve: () => void;
  reject: (e: unknown) => void;
}

/**
 * An append-only NDJSON journal next to the output (`<output>.journal`). Entries are written to the OS as they come
 * (a SIGKILL loses none that `append` resolved) and fsync'd at most once a second and on close (a power cut loses at
 * most the last second, which a resume sends again). Embedded entries are indexed by `seq` (byte offset and length)
 * so the output can be written in input order without holding the rows in memory.
 */
export class Journal {
  private offsets = new Float64Array(1024);
  private lengths = new Uint32Array(1024);
  private lineNos = new Float64Array(1024);
  private lastSync = Date.now();
  private chain: Promise<void> = Promise.resolve();
  private pending: Batch[] = [];
  private scheduled = false;
  readonly counts = { processed: 0, error: 0, invalid: 0 };
  requestId: string | undefined;
  /** Entries indexed (journaled by this run or an earlier one). */
  done = 0;

  private constructor(
    readonly path: string,
    private handle: FileHandle,
    private size: number,
    readonly header: JournalHeader,
  ) {}

  /** Starts a new journal; an existing file is an error (exit 2) unless the caller resumes. */
  static async create(path: string, header: JournalHeader): Promise<Journal> {
    let handle: FileHandle;
    try {
      handle = await open(path, 'wx', 0o600);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
        throw new SeedError(EXIT.USAGE, `${path} exists: an earlier run did not finish. Continue it with --resume, or delete the journal to start again`, 'JOURNAL_EXISTS');
      }
      throw new SeedError(EXIT.OUTPUT_UNWRITABLE, `cannot create the journal (${(e as NodeJS.ErrnoException).code ?? 'error'})`, 'JOURNAL_UNWRITABLE');
    }
    const text = `${JSON.stringify(header)}\n`;
    await handle.write(text);
    await handle.sync();
    return new Journal(path, handle, Buffer.byteLength(text), header);
  }

  /**
   * Opens an existing journal to continue it: checks it belongs to this run, indexes its entries, and cuts a torn
   * last line (a kill mid-write) before appending.
   */
  static async resume(path: string, expected: JournalHeader): Promise<Journal> {
    try {
      await stat(path);
    } catch {
      throw new SeedError(EXIT.USAGE, `--resume: there is no journal at ${path}`, 'JOURNAL_MISSING');
    }
    let header: JournalHeader | undefined;
    let good = 0;
    const found: { entry: JournalEntry | ServerEntry; offset: number; length: number }[] = [];
    let journal: Journal | undefined;
    const index = (item: (typeof found)[number]) => {
      if ('requestId' in item.entry) journal!.requestId = item.entry.requestId;
      else journal!.index(item.entry, item.offset, item.length);
    };
    for await (const { line, offset, complete } of lines(path)) {
      if (!complete) break;
      let value: unknown;
      try {
        value = JSON.parse(line.toString('utf8'));
      } catch {
        break; // a torn or damaged line: everything after it is written again
      }
      if (header === undefined) {
        header = value as JournalHeader;
        if (!sameRun(header, expected)) {
          throw new SeedError(EXIT.USAGE, `--resume: ${path} belongs to another run (input file or options differ)`, 'JOURNAL_MISMATCH');
        }
        journal = new Journal(path, undefined as never, 0, header);
      } else {
        const item = { entry: value as JournalEntry | ServerEntry, offset, length: line.length };
        if (journal) index(item);
      }
      good = offset + line.length + 1;
    }
    if (!journal) throw new SeedError(EXIT.USAGE, `--resume: ${path} has no header line; delete it to start again`, 'JOURNAL_DAMAGED');
    try {
      await truncate(path, good);
      journal.handle = await open(path, 'a');
    } catch (e) {
      throw new SeedError(EXIT.OUTPUT_UNWRITABLE, `cannot reopen the journal (${(e as NodeJS.ErrnoException).code ?? 'error'})`, 'JOURNAL_UNWRITABLE');
    }
    journal.size = good;
    return journal;
  }

  /** Whether the record at `seq` is already journaled; throws if it was journaled for another line (input changed). */
  has(seq: number, lineNo: number): boolean {
    if (seq >= this.lengths.length || this.lengths[seq] === 0) return false;
    if (this.lineNos[seq] !== lineNo) throw new SeedError(EXIT.USAGE, '--resume: the input no longer matches the journal', 'JOURNAL_MISMATCH');
    return true;
  }

  /** Appends entries; resolves once they are written to the OS. Calls in the same turn share one write. */
  append(entries: JournalEntry[]): Promise<void> {
    const lines = entries.map((e) => JSON.stringify(e));
    return new Promise((resolve, reject) => {
      this.pending.push({ lines, entries, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          const batch = this.pending;
          this.pending = [];
          this.chain = this.chain.then(() => this.write(batch));
        });
      }
    });
  }

  /** Server mode: the submitted request's id, synced before the run goes on. */
  async recordRequest(requestId: string): Promise<void> {
    const text = `${JSON.stringify({ requestId } satisfies ServerEntry)}\n`;
    await this.handle.write(text, null, 'utf8');
    await this.handle.sync();
    this.size += Buffer.byteLength(text);
    this.requestId = requestId;
  }

  private async write(batch: Batch[]): Promise<void> {
    try {
      const buf = Buffer.from(batch.map((b) => b.lines.map((l) => `${l}\n`).join('')).join(''), 'utf8');
      await this.handle.write(buf, 0, buf.length, null);
      // Offsets follow from the lines: each is its JSON plus '\n'.
      let at = this.size;
      for (const b of batch) {
        b.entries.forEach((e, i) => {
          const length = Buffer.byteLength(b.lines[i]!);
          this.index(e, at, length);
          at += length + 1;
        });
      }
      this.size += buf.length;
      if (Date.now() - this.lastSync >= FSYNC_EVERY_MS) {
        this.lastSync = Date.now();
        await this.handle.sync();
      }
      for (const b of batch) b.resolve();
    } catch (e) {
      const error = new SeedError(EXIT.OUTPUT_UNWRITABLE, `cannot write the journal (${(e as NodeJS.ErrnoException).code ?? 'error'})`, 'JOURNAL_UNWRITABLE');
      for (const b of batch) b.reject(error);
    }
  }

  private index(e: JournalEntry, offset: number, length: number): void {
    if (e.seq >= this.offsets.length) this.grow(e.seq + 1);
    if (this.lengths[e.seq] === 0) {
      this.done++;
      this.counts[e.outcome]++;
    }
    this.offsets[e.seq] = offset;
    this.lengths[e.seq] = length;
    this.lineNos[e.seq] = e.lineNo;
  }

  private grow(min: number): void {
    let n = this.offsets.length;
    while (n < min) n *= 2;
    const o = new Float64Array(n);
    o.set(this.offsets);
    const l = new Uint32Array(n);
    l.set(this.lengths);
    const ln = new Float64Array(n);
    ln.set(this.lineNos);
    [this.offsets, this.lengths, this.lineNos] = [o, l, ln];
  }

  /** Waits for queued appends, fsyncs. */
  async flush(): Promise<void> {
    while (this.pending.length > 0 || this.scheduled) await new Promise((r) => setImmediate(r));
    await this.chain;
    await this.handle.sync();
    this.lastSync = Date.now();
  }

  async close(): Promise<void> {
    await this.flush();
    await this.handle.close();
  }

  /**
   * The journaled rows for seq 0..count-1, in that order, read through a 1 MiB window (the journal is nearly in
   * input order, so most reads are hits). Throws if one is missing.
   */
  async *rows(count: number): AsyncIterable<unknown> {
    const reader = await open(this.path, 'r');
    try {
      let window = Buffer.alloc(0);
      let windowAt = 0;
      for (let seq = 0; seq < count; seq++) {
        const length = seq < this.lengths.length ? this.lengths[seq]! : 0;
        if (length === 0) throw new Error(`journal has no entry for record ${seq}`);
        const offset = this.offsets[seq]!;
        if (offset < windowAt || offset + length > windowAt + window.length) {
          window = Buffer.alloc(Math.max(length, 1 << 20));
          const { bytesRead } = await reader.read(window, 0, window.length, offset);
          window = window.subarray(0, bytesRead);
          windowAt = offset;
        }
        const start = offset - windowAt;
        yield (JSON.parse(window.toString('utf8', start, start + length)) as JournalEntry).row;
      }
    } finally {
      await reader.close();
    }
  }
}

function sameRun(a: JournalHeader, b: JournalHeader): boolean {
  return a.mtsSeed === b.mtsSeed && a.mode === b.mode && a.fingerprint === b.fingerprint && a.input?.size === b.input.size && a.input?.mtimeMs === b.input.mtimeMs;
}

/** The file's lines as bytes, with their byte offsets; the last one `complete: false` when it has no '\n'. */
async function* lines(path: string): AsyncIterable<{ line: Buffer; offset: number; complete: boolean }> {
  let carry = Buffer.alloc(0);
  let offset = 0;
  for await (const chunk of createReadStream(path)) {
    let buf = carry.length > 0 ? Buffer.concat([carry, chunk as Buffer]) : (chunk as Buffer);
    let nl: number;
    while ((nl = buf.indexOf(10)) >= 0) {
      yield { line: buf.subarray(0, nl), offset, complete: true };
      offset += nl + 1;
      buf = buf.subarray(nl + 1);
    }
    carry = Buffer.from(buf);
  }
  if (carry.length > 0) yield { line: carry, offset, complete: false };
}
