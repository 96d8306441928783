import { ParserError } from './errors.js';
import type { ByteSource } from './types.js';

/**
 * Stands in for each invalid UTF-8 byte. A lone low surrogate can never come out of decoding valid UTF-8,
 * so finding it in a record proves the record's bytes were invalid (U+FFFD could be genuine text).
 */
export const INVALID_UTF8 = '\uDFFF';

const fatalDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const TEXT_SLICE = 64 * 1024;

/**
 * Decodes a byte source to text slices of at most 64 Ki characters: the UTF-8 BOM is dropped at the start
 * only, sequences split across chunks are joined, and invalid bytes become {@link INVALID_UTF8}.
 */
export async function* decodeText(input: ByteSource): AsyncGenerator<string> {
  let carry: Uint8Array | undefined;
  let first = true;
  try {
    for await (const chunk of input as AsyncIterable<Uint8Array | string>) {
      let text: string;
      if (typeof chunk === 'string') {
        text = (carry ? INVALID_UTF8.repeat(carry.length) : '') + chunk;
        carry = undefined;
      } else {
        const bytes = carry ? concat(carry, chunk) : chunk;
        const end = completeLength(bytes);
        carry = end < bytes.length ? bytes.slice(end) : undefined;
        text = decodeBytes(bytes.subarray(0, end));
      }
      if (first && text.length > 0) {
        first = false;
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      }
      for (let i = 0; i < text.length; i += TEXT_SLICE) yield text.slice(i, i + TEXT_SLICE);
    }
  } catch (err) {
    throw new ParserError('PARSER_SOURCE_ERROR', 'the input stream failed while being read', { cause: err });
  }
  if (carry) yield INVALID_UTF8.repeat(carry.length);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** Length of the prefix that holds no incomplete trailing sequence (which waits for the next chunk). */
function completeLength(b: Uint8Array): number {
  const n = b.length;
  for (let i = n - 1; i >= 0 && i >= n - 4; i--) {
    const c = b[i]!;
    if ((c & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead
    const need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
    return i + need > n && c >= 0xc2 && c <= 0xf4 ? i : n;
  }
  return n;
}

function decodeBytes(b: Uint8Array): string {
  try {
    return fatalDecoder.decode(b);
  } catch {
    return decodeLenient(b);
  }
}

/** Slow path, only for chunks with invalid bytes: valid runs decoded natively, each bad byte marked. */
function decodeLenient(b: Uint8Array): string {
  let out = '';
  let start = 0;
  let i = 0;
  while (i < b.length) {
    const len = sequenceLength(b, i);
    if (len > 0) {
      i += len;
      continue;
    }
    out += fatalDecoder.decode(b.subarray(start, i)) + INVALID_UTF8;
    i += 1;
    start = i;
  }
  return out + fatalDecoder.decode(b.subarray(start, i));
}

/** Length of the valid UTF-8 sequence at `i`, or 0 if the bytes there are not one. */
function sequenceLength(b: Uint8Array, i: number): number {
  const c = b[i]!;
  if (c < 0x80) return 1;
  let need: number;
  let lo = 0x80;
  let hi = 0xbf;
  if (c >= 0xc2 && c <= 0xdf) need = 1;
  else if (c >= 0xe0 && c <= 0xef) {
    need = 2;
    if (c === 0xe0) lo = 0xa0; // overlong
    if (c === 0xed) hi = 0x9f; // surrogates
  } else if (c >= 0xf0 && c <= 0xf4) {
    need = 3;
    if (c === 0xf0) lo = 0x90;
    if (c === 0xf4) hi = 0x8f;
  } else return 0;
  if (i + need >= b.length) return 0; // truncated by the end of the input
  const second = b[i + 1]!;
  if (second < lo || second > hi) return 0;
  for (let k = 2; k <= need; k++) if ((b[i + k]! & 0xc0) !== 0x80) return 0;
  return need + 1;
}
