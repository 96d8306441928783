import { DEFAULT_MAX_RECORD_CHARS, type ByteSource, type ParsedRecord, type TextParseOptions } from './types.js';
import { decodeText, INVALID_UTF8 } from './utf8.js';
import { toRecord } from './json-value.js';
import { DEFAULT_MAX_DEPTH } from './json-depth.js';

const enum S { Start, BeforeElement, FirstElement, InElement, AfterElement, End }

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/**
 * Parses a JSON array of objects, streaming: each element is cut out of the text as it arrives and parsed
 * on its own, so memory holds one element, never the whole array.
 *
 * - `lineNo` is the 1-based index of the element in the array.
 * - An element that is not an object, or is invalid JSON on its own, is an error record
 *   (`JSON_NOT_OBJECT`, `JSON_SYNTAX`, `JSON_INVALID_UTF8`, `JSON_RECORD_TOO_DEEP`, and `JSON_RECORD_TOO_LARGE` for
 *   one over `maxRecordChars`, read past without being kept) and the stream goes on.
 * - A broken document (not an array, mismatched brackets, missing comma, truncated) ends the stream with one
 *   `JSON_NOT_ARRAY` / `JSON_SYNTAX` error record after everything valid before it; nothing is thrown.
 *
 * @example
 * ```ts
 * import { createReadStream } from 'node:fs';
 * import { parseJsonArray } from '@mts/parsers';
 * for await (const rec of parseJsonArray(createReadStream('authdata.json'))) {
 *   if ('data' in rec) console.log(rec.lineNo, rec.data.vid);
 * }
 * ```
 */
export async function* parseJsonArray(input: ByteSource, options: TextParseOptions = {}): AsyncGenerator<ParsedRecord> {
  const max = options.maxRecordChars ?? DEFAULT_MAX_RECORD_CHARS;
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  let state = S.Start as S;
  let index = 0; // elements started so far
  let pieces: string[] = []; // the current element's text, across chunks
  let pieceChars = 0;
  let closers = ''; // expected closing brackets, innermost last
  let inString = false;
  let escaped = false;
  let scalar = false; // element is a bare number/literal: it ends at , ] or whitespace

  const fail = (code: string, message: string): ParsedRecord => ({ lineNo: Math.max(index, 1), error: { code, message } });
  let oversized = false; // the current element outgrew the limit: scanned to its end, not kept
  const finishElement = (): ParsedRecord => {
    const text = pieces.join('');
    pieces = [];
    pieceChars = 0;
    if (oversized || text.length > max) {
      oversized = false;
      return { lineNo: index, error: { code: 'JSON_RECORD_TOO_LARGE', message: `element ${index} is longer than ${max} characters and was skipped` } };
    }
    return toRecord(text, index, 'JSON', text.includes(INVALID_UTF8), maxDepth);
  };

  for await (const chunk of decodeText(input)) {
    let start = 0; // where the current element's text begins within this chunk
    let backslash = -2; // position of the next backslash in the chunk, -1 when there is none
    const n = chunk.length;
    for (let i = 0; i < n; i++) {
      const c = chunk.charCodeAt(i);
      if (state === S.InElement) {
        if (inString) {
          if (escaped) escaped = false;
          else if (c === 0x5c) escaped = true;
          else if (c === 0x22) {
            inString = false;
            if (scalar) {
              pieces.push(chunk.slice(start, i + 1));
              state = S.AfterElement;
              yield finishElement();
            }
          } else {
            // Jump to the next quote or backslash: strings are most of the text.
            const q = chunk.indexOf('"', i + 1);
            // The next backslash is remembered: searching afresh per string would rescan the chunk each time.
            if (backslash !== -1 && backslash <= i) backslash = chunk.indexOf('\\', i + 1);
            const b = backslash;
            const next = q === -1 ? b : b === -1 ? q : Math.min(q, b);
            i = (next === -1 ? n : next) - 1;
          }
          continue;
        }
        if (scalar) {
          if (c === 0x2c || c === 0x5d || isSpace(c)) {
            pieces.push(chunk.slice(start, i));
            state = S.AfterElement;
            yield finishElement();
            i--; // let AfterElement see this character
          }
          continue;
        }
        if (c === 0x22) inString = true;
        else if (c === 0x7b) closers += '}';
        else if (c === 0x5b) closers += ']';
        else if (c === 0x7d || c === 0x5d) {
          if (closers[closers.length - 1] !== String.fromCharCode(c)) {
            yield fail('JSON_SYNTAX', `mismatched bracket in element ${index}; the document is broken`);
            return;
          }
          closers = closers.slice(0, -1);
          if (closers === '') {
            pieces.push(chunk.slice(start, i + 1));
            state = S.AfterElement;
            yield finishElement();
          }
        }
        continue;
      }
      if (isSpace(c)) continue;
      if (state === S.Start) {
        if (c !== 0x5b) {
          yield fail('JSON_NOT_ARRAY', 'the document is not a JSON array');
          return;
        }
        state = S.FirstElement;
      } else if (state === S.AfterElement) {
        if (c === 0x2c) state = S.BeforeElement;
        else if (c === 0x5d) state = S.End;
        else {
          yield fail('JSON_SYNTAX', `expected , or ] after element ${index}; the document is broken`);
          return;
        }
      } else if (state === S.BeforeElement || state === S.FirstElement) {
        if (c === 0x5d && state === S.FirstElement) {
          state = S.End;
          continue;
        }
        if (c === 0x5d || c === 0x2c) {
          yield fail('JSON_SYNTAX', `expected an element after element ${index}; the document is broken`);
          return;
        }
        index++;
        state = S.InElement;
        start = i;
        scalar = c !== 0x7b && c !== 0x5b;
        closers = c === 0x7b ? '}' : c === 0x5b ? ']' : '';
        inString = c === 0x22;
      } else {
        yield fail('JSON_SYNTAX', 'unexpected text after the end of the array');
        return;
      }
    }
    if (state === S.InElement && !oversized) {
      pieces.push(chunk.slice(start));
      pieceChars += n - start;
      if (pieceChars > max) {
        oversized = true;
        pieces = [];
        pieceChars = 0;
      }
    }
  }
  if (state === S.InElement && scalar && !inString) {
    state = S.AfterElement;
    yield finishElement(); // a bare scalar running into the end: reported, then the truncation below
  }
  if (state === S.Start) yield fail('JSON_SYNTAX', 'the input is empty');
  else if (state !== S.End) yield fail('JSON_SYNTAX', `the document ends inside the array (after element ${index})`);
}
