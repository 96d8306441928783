import type { ParsedRecord } from '../src/index.js';

/** Yields `bytes` in chunks of `size` bytes (1 forces every split point). */
export async function* chunked(bytes: Uint8Array | string, size = 7): AsyncGenerator<Uint8Array> {
  const b = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
}

export async function collect(records: AsyncIterable<ParsedRecord>): Promise<ParsedRecord[]> {
  const out: ParsedRecord[] = [];
  for await (const r of records) out.push(r);
  return out;
}

/** Data rows only, failing loudly if an error record slipped in. */
export function dataOf(records: ParsedRecord[]): Record<string, unknown>[] {
  return records.map((r) => {
    if ('error' in r) throw new Error(`unexpected error record at ${r.lineNo}: ${r.error.code}`);
    return r.data;
  });
}

export function codesOf(records: ParsedRecord[]): [number, string][] {
  return records.flatMap((r) => ('error' in r ? [[r.lineNo, r.error.code] as [number, string]] : []));
}

/** A source that counts how many chunks the consumer has pulled so far. */
export function countingSource(chunks: Iterable<Uint8Array | string>): { source: AsyncIterable<Uint8Array | string>; pulled: () => number } {
  let pulled = 0;
  async function* gen(): AsyncGenerator<Uint8Array | string> {
    for (const c of chunks) {
      pulled++;
      yield c;
    }
  }
  return { source: gen(), pulled: () => pulled };
}
