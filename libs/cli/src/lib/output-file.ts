import { open, rename, rm } from 'node:fs/promises';
import { csvWriter, jsonArrayWriter, ndjsonWriter } from '@mts/field-mapping';
import type { Format } from './args.js';
import { EXIT, SeedError } from './exit-codes.js';

/** MTS's default record's columns: a CSV without a template always has them, even with no rows. */
export const DEFAULT_HEADER = ['vid', 'status', 'token', 'errorCode', 'errorMessage'];

/** Rows → text in the output format (CSV: the default header unless a template shapes the rows). */
export function writerFor(format: Format, rows: AsyncIterable<unknown>, templated: boolean): AsyncIterable<string> {
  if (format === 'json') return jsonArrayWriter(rows);
  if (format === 'ndjson') return ndjsonWriter(rows);
  return csvWriter(rows as AsyncIterable<Record<string, unknown>>, templated ? {} : { header: DEFAULT_HEADER });
}

/**
 * Writes `<path>.part`, fsyncs it and renames it to `path`, so the output is either complete or absent. A failure
 * of the file is exit 8; one of the source (`chunks`) is rethrown as it is.
 */
export async function writeFileAtomically(path: string, chunks: AsyncIterable<string | Uint8Array>): Promise<void> {
  const part = `${path}.part`;
  const fileError = (e: unknown) => new SeedError(EXIT.OUTPUT_UNWRITABLE, `cannot write the output (${(e as NodeJS.ErrnoException).code ?? 'error'})`, 'OUTPUT_UNWRITABLE');
  const handle = await open(part, 'w', 0o600).catch((e) => {
    throw fileError(e);
  });
  try {
    for await (const chunk of chunks) {
      try {
        await (typeof chunk === 'string' ? handle.write(chunk) : handle.write(chunk));
      } catch (e) {
        throw fileError(e);
      }
    }
    await handle.sync();
  } catch (e) {
    await handle.close().catch(() => undefined);
    await rm(part, { force: true });
    throw e;
  }
  await handle.close();
  try {
    await rename(part, path);
  } catch (e) {
    throw fileError(e);
  }
}
