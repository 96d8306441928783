/** Streaming writers for delivered results: each consumes rows and yields string chunks of about `chunkSize` chars. */

type Rows<T> = AsyncIterable<T> | Iterable<T>;

export interface WriterOptions {
  /** Chunks are yielded once they reach this many characters (default 16384); batching keeps streams fast. */
  chunkSize?: number;
}

export interface CsvWriterOptions extends WriterOptions {
  /** One character between cells (default `,`). */
  delimiter?: string;
  /** A fixed header; default: the keys of the first object row. Also written when there are no rows. */
  header?: readonly string[];
  /** Prefix `'` to string cells starting with `=`, `+`, `-`, `@`, tab or CR (default true). */
  escapeFormulas?: boolean;
}

const DEFAULT_CHUNK = 16384;

/**
 * CSV (RFC 4180, CRLF line ends) of result rows. The header is the first object row's keys; later rows are written by
 * those names, so a missing key is an empty cell and an extra key is dropped. Strings are written raw, null and
 * undefined as empty cells, other values JSON-encoded; a cell is quoted when it holds the delimiter, `"`, CR or LF.
 * Array rows are written cell by cell and a primitive row as one cell. String cells (and header names) that a
 * spreadsheet would run as a formula get a leading `'`. A line of one empty cell is written `""` (as Python's csv
 * module, MTS's writer, does): a blank line would be skipped by CSV readers, and the row lost.
 *
 * @example
 * ```ts
 * for await (const chunk of csvWriter([{ vid: '1', status: 'processed', token: null }])) process.stdout.write(chunk);
 * // vid,status,token\r\n1,processed,\r\n
 * ```
 */
export async function* csvWriter(rows: Rows<unknown>, options: CsvWriterOptions = {}): AsyncIterable<string> {
  const delimiter = options.delimiter ?? ',';
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK;
  const escapeFormulas = options.escapeFormulas ?? true;
  const needsQuotes = new RegExp(`[${escapeClass(delimiter)}"\\r\\n]`);
  const cell = (value: unknown): string => {
    let s: string;
    if (value === null || value === undefined) return '';
    if (typeof value === 'string') {
      s = value;
      if (escapeFormulas && s.length > 0 && isFormulaStart(s.charCodeAt(0))) s = "'" + s;
    } else s = typeof value === 'bigint' ? String(value) : (JSON.stringify(value) ?? '');
    return needsQuotes.test(s) ? '"' + s.replaceAll('"', '""') + '"' : s;
  };
  // One empty cell alone is quoted, so that the line is not blank (readers skip blank lines); no cells is a blank line.
  const end = (line: string, cells: number) => (cells === 1 && line === '' ? '""\r\n' : line + '\r\n');
  let header: readonly string[] | undefined = options.header;
  let buf = header ? end(header.map(cell).join(delimiter), header.length) : '';
  for await (const row of rows) {
    if (row !== null && typeof row === 'object' && !Array.isArray(row)) {
      const record = row as Record<string, unknown>;
      if (header === undefined) {
        header = Object.keys(record);
        buf += end(header.map(cell).join(delimiter), header.length);
      }
      let line = '';
      for (let i = 0; i < header.length; i++) line += (i === 0 ? '' : delimiter) + cell(record[header[i]]);
      buf += end(line, header.length);
    } else if (Array.isArray(row)) {
      buf += end(row.map(cell).join(delimiter), row.length);
    } else {
      buf += end(cell(row), 1);
    }
    if (buf.length >= chunkSize) {
      yield buf;
      buf = '';
    }
  }
  if (buf.length > 0) yield buf;
}

/**
 * A JSON array of the rows, streamed: `[`, the rows separated by `,`, `]`. `undefined` is written as `null`.
 *
 * @example
 * ```ts
 * for await (const chunk of jsonArrayWriter(results)) out.write(chunk);   // [{"vid":"1",...},{"vid":"2",...}]
 * ```
 */
export async function* jsonArrayWriter(rows: Rows<unknown>, options: WriterOptions = {}): AsyncIterable<string> {
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK;
  let buf = '[';
  let first = true;
  for await (const row of rows) {
    buf += (first ? '' : ',') + (JSON.stringify(row) ?? 'null');
    first = false;
    if (buf.length >= chunkSize) {
      yield buf;
      buf = '';
    }
  }
  yield buf + ']';
}

/**
 * Newline-delimited JSON: one row per line, each line ending in `\n`. `undefined` is written as `null`.
 *
 * @example
 * ```ts
 * for await (const chunk of ndjsonWriter(results)) out.write(chunk);   // {"vid":"1",...}\n{"vid":"2",...}\n
 * ```
 */
export async function* ndjsonWriter(rows: Rows<unknown>, options: WriterOptions = {}): AsyncIterable<string> {
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK;
  let buf = '';
  for await (const row of rows) {
    buf += (JSON.stringify(row) ?? 'null') + '\n';
    if (buf.length >= chunkSize) {
      yield buf;
      buf = '';
    }
  }
  if (buf.length > 0) yield buf;
}

// = + - @ TAB CR: what spreadsheets evaluate or strip at the start of a cell (OWASP CSV injection).
function isFormulaStart(c: number): boolean {
  return c === 61 || c === 43 || c === 45 || c === 64 || c === 9 || c === 13;
}

function escapeClass(ch: string): string {
  return ch.replace(/[\\\]^-]/g, '\\$&');
}
