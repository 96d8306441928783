/** One record from a parser: its data, or a per-record error. Errors never stop the stream. */
export type ParsedRecord =
  | { lineNo: number; data: Record<string, unknown> }
  /** `vid`: the record's ID when the source could still read one (a VC whose proof fails), for the output row. */
  | { lineNo: number; error: { code: string; message: string; vid?: string } };

/** Bytes (UTF-8) or already-decoded text, chunk by chunk: a Node Readable, or any async iterable. */
export type ByteSource = AsyncIterable<Uint8Array | string> | NodeJS.ReadableStream;

/** Options shared by the text parsers. */
export interface TextParseOptions {
  /**
   * Largest single record (CSV record, JSON element, NDJSON line) in UTF-16 characters; bigger ones are
   * reported, so that one unclosed quote cannot make the parser hold the whole file. Default 16 Mi.
   */
  maxRecordChars?: number;
  /** Deepest nesting of arrays/objects in a JSON record; deeper ones are error records (`*_RECORD_TOO_DEEP`). Default 64. */
  maxDepth?: number;
}

export const DEFAULT_MAX_RECORD_CHARS = 16 * 1024 * 1024;
