import { DEFAULT_MAX_RECORD_CHARS, type ByteSource, type ParsedRecord, type TextParseOptions } from './types.js';
import { decodeText, INVALID_UTF8 } from './utf8.js';
import { toRecord } from './json-value.js';
import { DEFAULT_MAX_DEPTH } from './json-depth.js';

/**
 * Parses NDJSON (one JSON object per line), streaming.
 *
 * - `lineNo` is the 1-based physical line. Blank (whitespace-only) lines are skipped; CRLF is accepted.
 * - A line that is not JSON, not an object, or not valid UTF-8 is an error record (`NDJSON_SYNTAX`,
 *   `NDJSON_NOT_OBJECT`, `NDJSON_INVALID_UTF8`); a line longer than `maxRecordChars` is reported
 *   (`NDJSON_RECORD_TOO_LARGE`) and skipped. The stream always goes on to the next line.
 *
 * @example
 * ```ts
 * import { parseNdjson } from '@mts/parsers';
 * for await (const rec of parseNdjson(process.stdin)) if ('data' in rec) console.log(rec.data);
 * ```
 */
export async function* parseNdjson(input: ByteSource, options: TextParseOptions = {}): AsyncGenerator<ParsedRecord> {
  const max = options.maxRecordChars ?? DEFAULT_MAX_RECORD_CHARS;
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  let lineNo = 1;
  let pieces: string[] = [];
  let pieceChars = 0;
  let oversized = false; // the current line outgrew the limit: drop it up to its newline

  const tooLarge = (): ParsedRecord => ({
    lineNo,
    error: { code: 'NDJSON_RECORD_TOO_LARGE', message: `the line is longer than ${max} characters and was skipped` },
  });
  const take = (text: string): ParsedRecord | undefined => {
    const line = text.endsWith('\r') ? text.slice(0, -1) : text;
    if (line.trim() === '') return undefined;
    if (line.length > max) return tooLarge();
    return toRecord(line, lineNo, 'NDJSON', line.includes(INVALID_UTF8), maxDepth);
  };

  for await (const chunk of decodeText(input)) {
    let from = 0;
    for (let nl = chunk.indexOf('\n'); nl !== -1; nl = chunk.indexOf('\n', from)) {
      if (oversized) {
        oversized = false;
      } else {
        pieces.push(chunk.slice(from, nl));
        const rec = take(pieces.length === 1 ? pieces[0]! : pieces.join(''));
        if (rec) yield rec;
      }
      pieces = [];
      pieceChars = 0;
      from = nl + 1;
      lineNo++;
    }
    if (!oversized && from < chunk.length) {
      pieces.push(chunk.slice(from));
      pieceChars += chunk.length - from;
      if (pieceChars > max) {
        yield tooLarge();
        oversized = true;
        pieces = [];
        pieceChars = 0;
      }
    }
  }
  if (!oversized && pieces.length > 0) {
    const rec = take(pieces.join(''));
    if (rec) yield rec;
  }
}
