import type { ParsedRecord } from './types.js';
import { INVALID_UTF8 } from './utf8.js';

const QUOTE_ERRORS: Record<string, [string, string]> = {
  MissingQuotes: ['CSV_UNCLOSED_QUOTE', 'a quoted field is never closed; it runs to the end of the input'],
  InvalidQuotes: ['CSV_INVALID_QUOTES', 'a quoted field has text after its closing quote'],
};

const rowError = (lineNo: number, code: string, message: string): ParsedRecord => ({ lineNo, error: { code, message } });

/** Turns papaparse's rows into records: the header, line numbers, ragged rows, bad bytes. */
export class CsvRowShaper {
  private names: string[] | undefined;
  private width: number | undefined;
  private skip: Set<number> | undefined; // columns dropped because an earlier column has the same name
  private unsafeNames = false; // a name like __proto__ needs defineProperty
  private line = 1;
  private seenAny = false;

  constructor(
    private readonly header: boolean,
    columns: string[] | undefined,
  ) {
    if (columns) this.setNames(columns);
  }

  /** Whether the header row (or, without one, any row) has been seen. */
  get started(): boolean {
    return this.seenAny || !this.header;
  }

  /**
   * `quoted` / `marked`: whether the parsed text held a quote / an invalid-UTF-8 marker (else no need to look);
   * `maxChars`: the record size limit, when the text was long enough for a row to exceed it.
   */
  *shape(rows: string[][], errors: Map<number, string>, newline: string, quoted: boolean, marked: boolean, maxChars?: number): Generator<ParsedRecord> {
    const nl = newline === '\r' ? '\r' : '\n';
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      const lineNo = this.line;
      let lines = 1;
      if (quoted) for (const field of row) lines += countOf(field, nl);
      this.line += lines;
      const quoteError = errors.get(i);
      if (row.length === 1 && row[0] === '' && quoteError === undefined) continue; // blank line
      const isHeader = this.header && !this.seenAny;
      this.seenAny = true;
      const invalid = marked && row.some((f) => f.includes(INVALID_UTF8));
      if (isHeader) {
        if (invalid) yield rowError(lineNo, 'CSV_INVALID_UTF8', 'the header row contains bytes that are not valid UTF-8');
        if (quoteError) yield rowError(lineNo, QUOTE_ERRORS[quoteError]![0], `header row: ${QUOTE_ERRORS[quoteError]![1]}`);
        if (!this.names) {
          // Keys must be well-formed strings: the marker becomes U+FFFD once reported.
          const dup = this.setNames(invalid ? row.map((f) => f.replaceAll(INVALID_UTF8, '\uFFFD')) : row);
          if (dup) yield rowError(lineNo, 'CSV_DUPLICATE_HEADER', `header column ${dup} repeats an earlier name; the first is used`);
        }
        continue;
      }
      if (quoteError) yield rowError(lineNo, QUOTE_ERRORS[quoteError]![0], QUOTE_ERRORS[quoteError]![1]);
      else if (maxChars !== undefined && charsOf(row) > maxChars) yield tooLargeAt(lineNo, maxChars);
      else if (invalid) yield rowError(lineNo, 'CSV_INVALID_UTF8', 'the row contains bytes that are not valid UTF-8');
      else {
        if (this.width === undefined) this.width = row.length; // no header, no columns: the first row sets the width
        if (row.length < this.width) {
          yield rowError(lineNo, 'CSV_TOO_FEW_FIELDS', `expected ${this.width} fields, found ${row.length}`);
        } else if (row.length > this.width) {
          yield rowError(lineNo, 'CSV_TOO_MANY_FIELDS', `expected ${this.width} fields, found ${row.length}`);
        } else yield { lineNo, data: this.toObject(row) };
      }
    }
  }

  /** The record that ends the stream when a record outgrows the limit. */
  tooLarge(max: number): ParsedRecord {
    return rowError(this.line, 'CSV_RECORD_TOO_LARGE', `a record is longer than ${max} characters (unclosed quote?); parsing stopped`);
  }

  /** The error for a record read past without keeping it (see {@link RecordSkipper}); `lines`: line ends inside it. */
  skipped(max: number, lines: number): ParsedRecord {
    const lineNo = this.line;
    this.line += lines + 1;
    return tooLargeAt(lineNo, max);
  }

  /** A closing record, if the input called for one (an empty input in header mode). */
  finish(): ParsedRecord | undefined {
    return this.header && !this.seenAny ? rowError(1, 'CSV_EMPTY', 'the input is empty: no header row') : undefined;
  }

  /** Sets the column names; returns the 1-based position of the first duplicate, if any. */
  private setNames(names: string[]): number | undefined {
    this.names = names;
    this.width = names.length;
    const seen = new Set<string>();
    let firstDup: number | undefined;
    names.forEach((name, i) => {
      if (seen.has(name)) {
        (this.skip ??= new Set()).add(i);
        firstDup ??= i + 1;
      }
      seen.add(name);
      if (name === '__proto__') this.unsafeNames = true;
    });
    return firstDup;
  }

  private toObject(row: string[]): Record<string, string> {
    const out: Record<string, string> = {};
    const names = this.names;
    for (let j = 0; j < row.length; j++) {
      if (this.skip?.has(j)) continue;
      const key = names ? names[j]! : String(j);
      if (this.unsafeNames) Object.defineProperty(out, key, { value: row[j], enumerable: true, writable: true, configurable: true });
      else out[key] = row[j]!;
    }
    return out;
  }
}

function countOf(text: string, ch: string): number {
  let n = 0;
  for (let i = text.indexOf(ch); i !== -1; i = text.indexOf(ch, i + 1)) n++;
  return n;
}

const tooLargeAt = (lineNo: number, max: number) => rowError(lineNo, 'CSV_RECORD_TOO_LARGE', `the record is longer than ${max} characters and was skipped`);

/** A row's length as written, give or take its quotes. */
function charsOf(row: string[]): number {
  let n = row.length - 1;
  for (const field of row) n += field.length;
  return n;
}

/**
 * Finds where a record that outgrew the size limit ends, reading on without keeping any of it: the first line
 * end outside quotes (RFC 4180 quoting: `""` inside a quoted field toggles out and back in).
 */
export class RecordSkipper {
  /** Line ends inside quoted fields of the record so far. */
  lines = 0;
  private inQuote = false;
  private readonly end: string;

  /** `seen`: the record's text so far (from its first character). */
  constructor(newline: string, seen: string) {
    this.end = newline === '\r' ? '\r' : '\n';
    this.scan(seen);
  }

  /** The index just past the record's line end in `text`, or -1 when the record goes on past it. */
  scan(text: string): number {
    let i = 0;
    for (;;) {
      const q = text.indexOf('"', i);
      if (!this.inQuote) {
        const e = text.indexOf(this.end, i);
        if (e !== -1 && (q === -1 || e < q)) return e + 1;
        if (q === -1) return -1;
        this.inQuote = true;
      } else {
        this.lines += countOf(q === -1 ? text.slice(i) : text.slice(i, q), this.end);
        if (q === -1) return -1;
        this.inQuote = false;
      }
      i = q + 1;
    }
  }
}
