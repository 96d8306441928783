import { DEFAULT_MAX_RECORD_CHARS, type ByteSource } from './types.js';
import { decodeText, INVALID_UTF8 } from './utf8.js';
import { JsonDocumentError, ParserError } from './errors.js';
import { DEFAULT_MAX_DEPTH } from './json-depth.js';
import { parseJsonExact } from './json-exact.js';

/** Options of {@link splitJsonDocument}. */
export interface SplitJsonDocumentOptions {
  /** Object keys from the root to the array to stream out, e.g. `['request', 'authdata']`. Not empty. */
  path: readonly string[];
  /** Largest head (the document without the streamed array) in UTF-16 characters. Default 1 Mi. */
  maxHeadChars?: number;
  /** Largest single array element in UTF-16 characters. Default 16 Mi. */
  maxElementChars?: number;
  /** Deepest nesting of arrays/objects, counted from the root (the root object is level 1). Default 64. */
  maxDepth?: number;
  /** Invalid UTF-8 bytes: `'error'` (default) throws `JSON_DOCUMENT_INVALID_UTF8`; `'replace'` reads them as U+FFFD, as `JSON.parse` of a leniently decoded buffer would. */
  invalidUtf8?: 'error' | 'replace';
}

/** What {@link splitJsonDocument} yields: the array's elements, one at a time, then the head, last. */
export type JsonDocumentPart =
  | { kind: 'element'; /** 0-based position in the array. */ index: number; value: unknown }
  | {
      kind: 'head';
      /** The parsed document; where the array was streamed out it holds an empty array. */
      head: Record<string, unknown>;
      /** True when the value at `path` in `head` stands for the streamed elements; false when `path` is absent or not an array (then it is left in `head`, as is). */
      streamed: boolean;
      /** Elements yielded. */
      count: number;
    };

/** Placeholder for the streamed array in the head text: keeps the key where it was, so key order is unchanged. */
const MARKER = '[]';

const enum In { Key, Colon, Value, After }
const enum A { First, Before, Element, After }
interface Frame { obj: boolean; key: string | undefined; state: In }

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/**
 * Streams a JSON document that holds one big array: the elements of the array at `path` are yielded one at a
 * time (memory holds one element), then the rest of the document — the head — parsed, with an empty array in
 * the streamed array's place. Fields may come before or after the array. When the value at `path` is missing or
 * not an array it stays in the head as it is, so the caller's envelope validation reports it as usual.
 *
 * Throws {@link JsonDocumentError}: `JSON_DOCUMENT_EMPTY`, `JSON_DOCUMENT_SYNTAX`, `JSON_DOCUMENT_TRUNCATED`,
 * `JSON_DOCUMENT_NOT_OBJECT` (valid JSON; `valueType` says what it is), `JSON_DOCUMENT_HEAD_TOO_LARGE`,
 * `JSON_DOCUMENT_ELEMENT_TOO_LARGE`, `JSON_DOCUMENT_DUPLICATE_PATH`, `JSON_DOCUMENT_TOO_DEEP`, `JSON_DOCUMENT_INVALID_UTF8`. Elements yielded
 * before an error were valid on their own; the document as a whole was not, so discard them. Messages never quote
 * the input.
 *
 * @example
 * ```ts
 * for await (const part of splitJsonDocument(req, { path: ['request', 'authdata'] })) {
 *   if (part.kind === 'element') await write(part.value);
 *   else validate(part.head, part.count);
 * }
 * ```
 */
export async function* splitJsonDocument(input: ByteSource, options: SplitJsonDocumentOptions): AsyncGenerator<JsonDocumentPart> {
  const path = options.path;
  const maxHead = options.maxHeadChars ?? 1024 * 1024;
  const maxElement = options.maxElementChars ?? DEFAULT_MAX_RECORD_CHARS;
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  if (path.length === 0 || maxHead <= 0 || maxElement <= 0) throw new ParserError('PARSER_INVALID_OPTIONS', 'path must not be empty and the limits must be positive');
  const replace = options.invalidUtf8 === 'replace';

  // Head scanning: only as exact as valid JSON needs; JSON.parse of the head text at the end is the syntax check.
  const frames: Frame[] = [];
  let rootState = In.Value as In;
  let head: string[] = [];
  let headChars = 0;
  let inString = false;
  let escaped = false;
  let isKey = false;
  let keyPieces: string[] = [];
  let sawValue = false;
  let streaming = false; // inside the array at path
  let streamedOnce = false;
  // Array scanning, as in parseJsonArray: each element is cut out by bracket depth and parsed alone.
  let aState = A.First as A;
  let index = 0;
  let pieces: string[] = [];
  let pieceChars = 0;
  let closers = '';
  let scalar = false;

  const addHead = (text: string) => {
    headChars += text.length;
    if (headChars > maxHead) throw new JsonDocumentError('JSON_DOCUMENT_HEAD_TOO_LARGE', `the document outside the streamed array exceeds ${maxHead} characters`);
    head.push(text);
  };
  // Checked as brackets open, before anything recursive (JSON.stringify of a record) meets the value.
  const tooDeep = () => new JsonDocumentError('JSON_DOCUMENT_TOO_DEEP', `arrays/objects nest deeper than ${maxDepth} levels`);
  const atPath = () => {
    if (frames.length !== path.length) return false;
    for (let k = 0; k < path.length; k++) if (!frames[k]!.obj || frames[k]!.key !== path[k]) return false;
    return true;
  };
  const finishElement = (): JsonDocumentPart => {
    const text = pieces.join('');
    pieces = [];
    pieceChars = 0;
    if (text.length > maxElement) throw new JsonDocumentError('JSON_DOCUMENT_ELEMENT_TOO_LARGE', `element ${index} of the array exceeds ${maxElement} characters`);
    let value: unknown;
    try {
      value = parseJsonExact(text);
    } catch {
      throw new JsonDocumentError('JSON_DOCUMENT_SYNTAX', `element ${index} of the array is not valid JSON`);
    }
    return { kind: 'element', index: index++, value };
  };

  for await (let chunk of decodeText(input)) {
    if (chunk.includes(INVALID_UTF8)) {
      if (!replace) throw new JsonDocumentError('JSON_DOCUMENT_INVALID_UTF8', 'the document contains bytes that are not valid UTF-8');
      chunk = chunk.replaceAll(INVALID_UTF8, '\uFFFD');
    }
    const n = chunk.length;
    let start = 0; // start of the pending head text, or of the current element, within this chunk
    let keyStart = 0;
    let backslash = -2; // position of the next backslash in the chunk, -1 when there is none
    for (let i = 0; i < n; i++) {
      const c = chunk.charCodeAt(i);
      if (inString) {
        if (escaped) escaped = false;
        else if (c === 0x5c) escaped = true;
        else if (c === 0x22) {
          inString = false;
          if (streaming) {
            if (scalar) {
              pieces.push(chunk.slice(start, i + 1));
              aState = A.After;
              yield finishElement();
            }
          } else if (isKey) {
            isKey = false;
            keyPieces.push(chunk.slice(keyStart, i + 1));
            const frame = frames[frames.length - 1]!;
            try {
              frame.key = JSON.parse(keyPieces.join('')) as string;
            } catch {
              frame.key = undefined; // a broken key: JSON.parse of the head will say so
            }
            keyPieces = [];
            frame.state = In.Colon;
          }
        } else {
          const q = chunk.indexOf('"', i + 1);
          // The next backslash is remembered: searching afresh per string would rescan the chunk each time.
          if (backslash !== -1 && backslash <= i) backslash = chunk.indexOf('\\', i + 1);
          const b = backslash;
          const next = q === -1 ? b : b === -1 ? q : Math.min(q, b);
          i = (next === -1 ? n : next) - 1;
        }
        continue;
      }
      if (streaming) {
        if (aState === A.Element) {
          if (scalar) {
            if (c === 0x2c || c === 0x5d || isSpace(c)) {
              pieces.push(chunk.slice(start, i));
              aState = A.After;
              yield finishElement();
              i--; // let After see this character
            }
          } else if (c === 0x22) inString = true;
          else if (c === 0x7b || c === 0x5b) {
            closers += c === 0x7b ? '}' : ']';
            if (path.length + 1 + closers.length > maxDepth) throw tooDeep();
          } else if (c === 0x7d || c === 0x5d) {
            if (closers[closers.length - 1] !== String.fromCharCode(c)) {
              throw new JsonDocumentError('JSON_DOCUMENT_SYNTAX', `mismatched bracket in element ${index} of the array`);
            }
            closers = closers.slice(0, -1);
            if (closers === '') {
              pieces.push(chunk.slice(start, i + 1));
              aState = A.After;
              yield finishElement();
            }
          }
          continue;
        }
        if (isSpace(c)) continue;
        if (c === 0x5d && aState !== A.Before) {
          streaming = false; // back to the head, just after the array
          start = i + 1;
        } else if (aState === A.After) {
          if (c !== 0x2c) throw new JsonDocumentError('JSON_DOCUMENT_SYNTAX', `expected , or ] after element ${index - 1} of the array`);
          aState = A.Before;
        } else if (c === 0x2c || c === 0x5d) {
          throw new JsonDocumentError('JSON_DOCUMENT_SYNTAX', `expected an element at position ${index} of the array`);
        } else {
          aState = A.Element;
          start = i;
          scalar = c !== 0x7b && c !== 0x5b;
          closers = c === 0x7b ? '}' : c === 0x5b ? ']' : '';
          inString = c === 0x22;
          if (path.length + 1 + closers.length > maxDepth) throw tooDeep();
        }
        continue;
      }
      if (isSpace(c)) continue;
      sawValue = true;
      const frame = frames[frames.length - 1];
      const state = frame ? frame.state : rootState;
      if (state === In.Value && c !== 0x7d && c !== 0x5d && c !== 0x2c) {
        if (frame) frame.state = In.After;
        else rootState = In.After;
        if (atPath()) {
          if (streamedOnce) throw new JsonDocumentError('JSON_DOCUMENT_DUPLICATE_PATH', `${path.join('.')} occurs more than once`);
          if (c === 0x5b) {
            addHead(chunk.slice(start, i) + MARKER);
            streaming = true;
            streamedOnce = true;
            aState = A.First;
            continue;
          }
        }
        if (c === 0x7b) frames.push({ obj: true, key: undefined, state: In.Key });
        else if (c === 0x5b) frames.push({ obj: false, key: undefined, state: In.Value });
        else if (c === 0x22) inString = true;
        if (frames.length > maxDepth) throw tooDeep();
        continue;
      }
      if (!frame) continue; // text after the root value: JSON.parse rejects it
      if (c === 0x7d || c === 0x5d) frames.pop();
      else if (state === In.Key && c === 0x22) {
        inString = true;
        isKey = true;
        keyStart = i;
      } else if (state === In.Colon && c === 0x3a) frame.state = In.Value;
      else if (state === In.After && c === 0x2c) frame.state = frame.obj ? In.Key : In.Value;
    }
    if (streaming) {
      if (aState === A.Element) {
        pieces.push(chunk.slice(start));
        pieceChars += n - start;
        if (pieceChars > maxElement) throw new JsonDocumentError('JSON_DOCUMENT_ELEMENT_TOO_LARGE', `element ${index} of the array exceeds ${maxElement} characters`);
      }
    } else {
      if (isKey) keyPieces.push(chunk.slice(keyStart));
      if (start < n) addHead(chunk.slice(start));
    }
  }

  if (!sawValue) throw new JsonDocumentError('JSON_DOCUMENT_EMPTY', 'the document is empty');
  if (streaming || inString || frames.length > 0) throw new JsonDocumentError('JSON_DOCUMENT_TRUNCATED', 'the document ends before its last value is closed');
  let parsed: unknown;
  try {
    parsed = JSON.parse(head.join(''));
  } catch {
    throw new JsonDocumentError('JSON_DOCUMENT_SYNTAX', 'the document is not valid JSON');
  }
  head = [];
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    const valueType = parsed === null ? 'null' : Array.isArray(parsed) ? 'array' : (typeof parsed as 'string' | 'number' | 'boolean');
    throw new JsonDocumentError('JSON_DOCUMENT_NOT_OBJECT', `the document is ${valueType === 'array' ? 'an array' : valueType}, not an object`, { valueType });
  }
  // A later duplicate of a key on the path replaces the object that held the marker, as JSON.parse keeps the last.
  let at: unknown = parsed;
  for (const key of path) at = at !== null && typeof at === 'object' && !Array.isArray(at) ? (at as Record<string, unknown>)[key] : undefined;
  yield { kind: 'head', head: parsed as Record<string, unknown>, streamed: streamedOnce && Array.isArray(at), count: index };
}
