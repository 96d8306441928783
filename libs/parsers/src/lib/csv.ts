import Papa from 'papaparse';
import { ParserError } from './errors.js';
import { DEFAULT_MAX_RECORD_CHARS, type ByteSource, type ParsedRecord, type TextParseOptions } from './types.js';
import { decodeText, INVALID_UTF8 } from './utf8.js';
import { CsvRowShaper, RecordSkipper } from './csv-rows.js';
import { uniformLineEnds } from './line-ends.js';

/** Options of {@link parseCsv}. */
export interface CsvParseOptions extends TextParseOptions {
  /** Field delimiter, one or more characters (not `"`, CR or LF). Default `,` (MTS's `csvDelimiter`). */
  delimiter?: string;
  /** Whether the first record is a header row naming the columns. Default `true`. */
  header?: boolean;
  /**
   * Column names by position. With `header: false` they name the fields (without them the keys are
   * `"0"`, `"1"`, …); with `header: true` they replace the header row's names (the row is still skipped).
   */
  columns?: string[];
}

/**
 * Parses CSV into records, streaming: the source is read only as fast as records are consumed.
 *
 * - `lineNo` is the 1-based physical line where the record starts, as an editor shows it: with a header,
 *   the first data row is line 2; a quoted field holding newlines makes the next record start further down.
 *   Blank lines are skipped (but counted).
 * - Values are strings exactly as in the file (no trimming, no number conversion).
 * - A UTF-8 BOM is dropped; CRLF, LF and CR (old Mac Excel) line ends are all read, mixed in one file too: the first
 *   line's end is the file's, and any other outside quoted fields is read as it.
 * - Per-record problems are error records (`CSV_TOO_FEW_FIELDS`, `CSV_TOO_MANY_FIELDS`, `CSV_INVALID_UTF8`,
 *   `CSV_INVALID_QUOTES`, `CSV_UNCLOSED_QUOTE`, `CSV_RECORD_TOO_LARGE` for a record over `maxRecordChars`, …) and
 *   the stream goes on (a record still open at the end of the input ends it). An empty input in header mode
 *   yields one `CSV_EMPTY` error record; a header-only input yields no records.
 *
 * @example
 * ```ts
 * import { createReadStream } from 'node:fs';
 * import { parseCsv } from '@mts/parsers';
 * for await (const rec of parseCsv(createReadStream('people.csv'), { delimiter: ';' })) {
 *   if ('error' in rec) console.warn(rec.lineNo, rec.error.code);
 *   else console.log(rec.lineNo, rec.data.vid);
 * }
 * ```
 */
export async function* parseCsv(input: ByteSource, options: CsvParseOptions = {}): AsyncGenerator<ParsedRecord> {
  const delimiter = options.delimiter ?? ',';
  if (delimiter === '' || /["\r\n]/.test(delimiter) || Papa.BAD_DELIMITERS.includes(delimiter)) {
    throw new ParserError('PARSER_INVALID_OPTIONS', 'delimiter must be a non-empty string without ", CR or LF');
  }
  const maxRecordChars = options.maxRecordChars ?? DEFAULT_MAX_RECORD_CHARS;
  const shaper = new CsvRowShaper(options.header ?? true, options.columns);
  let parser: Papa.Parser | undefined;
  let newline = '\n';
  let partial = '';
  let pending: string[] = [];
  let pendingLength = 0;

  const parse = (text: string, last: boolean): { rows: string[][]; errors: Map<number, string> } => {
    parser ??= new Papa.Parser({ delimiter, newline: newline as '\n', quoteChar: '"' });
    const result = parser.parse(text, 0, !last) as { data: string[][]; errors: Papa.ParseError[]; meta: { cursor: number } };
    partial = last ? '' : text.slice(result.meta.cursor);
    const errors = new Map<number, string>();
    // An error on the unfinished last row is dropped: that row is parsed again with the next chunk.
    for (const e of result.errors) if (e.row !== undefined && e.row < result.data.length && !errors.has(e.row)) errors.set(e.row, e.code);
    return { rows: result.data, errors };
  };

  // A record that outgrew the limit is read on without being kept, up to its end, and reported as one error.
  let skipping: RecordSkipper | undefined;

  for await (let text of uniformLineEnds(decodeText(input))) {
    if (skipping) {
      const end = skipping.scan(text);
      if (end === -1) continue;
      yield shaper.skipped(maxRecordChars, skipping.lines);
      skipping = undefined;
      text = text.slice(end);
    }
    pending.push(text);
    pendingLength += text.length;
    // Parse once the new text is at least as long as the unfinished record: a huge field is then
    // re-scanned a logarithmic number of times rather than once per chunk.
    if (pendingLength < partial.length) continue;
    const chunk = partial + pending.join('');
    pending = [];
    pendingLength = 0;
    if (!parser) {
      const found = detectNewline(chunk);
      if (!found) {
        partial = chunk;
        if (partial.length > maxRecordChars) {
          yield shaper.tooLarge(maxRecordChars);
          return;
        }
        continue;
      }
      newline = found;
    }
    const { rows, errors } = parse(chunk, false);
    yield* shaper.shape(rows, errors, newline, chunk.includes('"'), chunk.includes(INVALID_UTF8), chunk.length > maxRecordChars ? maxRecordChars : undefined);
    if (partial.length > maxRecordChars) {
      if (!shaper.started) {
        yield shaper.tooLarge(maxRecordChars); // no header row yet: nothing to read the rest by
        return;
      }
      skipping = new RecordSkipper(newline, partial);
      partial = '';
    }
  }
  if (skipping) {
    yield shaper.tooLarge(maxRecordChars); // ran to the end of the input: an unclosed quote
    return;
  }
  const rest = partial + pending.join('');
  if (rest.length > 0) {
    if (!parser) newline = detectNewline(rest, true) ?? '\n';
    const { rows, errors } = parse(rest, true);
    yield* shaper.shape(rows, errors, newline, rest.includes('"'), rest.includes(INVALID_UTF8), rest.length > maxRecordChars ? maxRecordChars : undefined);
  }
  const end = shaper.finish();
  if (end) yield end;
}

function detectNewline(text: string, final = false): '\n' | '\r\n' | '\r' | undefined {
  const cr = text.indexOf('\r');
  const lf = text.indexOf('\n');
  if (lf !== -1 && (cr === -1 || lf < cr)) return '\n';
  if (cr === -1) return undefined;
  if (cr === text.length - 1) return final ? '\r' : undefined; // a CR ending the chunk may precede an LF
  return text[cr + 1] === '\n' ? '\r\n' : '\r';
}
