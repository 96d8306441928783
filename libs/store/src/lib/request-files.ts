import { existsSync } from 'node:fs';
import { readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { DataKeyring } from './data-key.js';
import { StoreError } from './errors.js';
import { createDecryptedReadStream, createEncryptedWriteStream, openDecryptedStream } from './file-cipher.js';
import { isRequestId } from './request-id.js';

/** How an input file is stored (`<id>.input.<kind>.enc`); ODK input is pulled at ingest and has no file. */
export type InputFileKind = 'csv' | 'json' | 'ndjson';
/** Bytes or text, as an upload stream or a generator gives them. */
export type ByteSource = Readable | AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>;

const INPUT_KINDS: readonly InputFileKind[] = ['csv', 'json', 'ndjson'];
const OUTPUT_FORMATS = ['csv', 'json', 'ndjson'] as const;
/** The formats an output is written in (the request's `output`). */
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/**
 * The request files under `filesDir`, all encrypted: the paths, the keyring and the `.part` files stay in here.
 * Every write goes to `<path>.part` and is renamed when complete, so a crash or a failed write never leaves a
 * file that looks whole; on failure nothing at all is left behind.
 */
export function createRequestFiles(filesDir: string, keyring: DataKeyring) {
  const pathOf = (requestId: string, suffix: string): string => {
    if (!isRequestId(requestId)) throw new StoreError('STORE_INVALID_OPTIONS', 'not a request id');
    return join(filesDir, `${requestId}.${suffix}.enc`);
  };

  /** Removes a file and its `.part`; how many existed. */
  async function remove(path: string | null): Promise<number> {
    if (!path) return 0;
    let removed = 0;
    for (const p of [path, `${path}.part`]) {
      try {
        await unlink(p);
        removed++;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    return removed;
  }

  async function write(path: string, bytes: ByteSource): Promise<void> {
    const source = bytes instanceof Readable ? bytes : Readable.from(bytes, { objectMode: false });
    try {
      await pipeline(source, createEncryptedWriteStream(path, keyring));
    } catch (error) {
      await remove(path);
      throw error;
    }
  }

  return {
    inputPath: (requestId: string, kind: InputFileKind) => pathOf(requestId, `input.${kind}`),
    outputPath: (requestId: string, format: OutputFormat) => pathOf(requestId, `output.${format}`),
    exists: (path: string) => existsSync(path),
    /** The input file saved under the request id, whatever kind it was saved as; null when there is none. */
    savedInputPath(requestId: string): string | null {
      for (const kind of INPUT_KINDS) {
        const path = pathOf(requestId, `input.${kind}`);
        if (existsSync(path)) return path;
      }
      return null;
    },
    remove,

    async saveInput(requestId: string, kind: InputFileKind, bytes: ByteSource): Promise<void> {
      if (!INPUT_KINDS.includes(kind)) throw new StoreError('STORE_INVALID_OPTIONS', 'unknown input kind');
      await write(pathOf(requestId, `input.${kind}`), bytes);
    },

    /** Every input file a request id may have, of any kind. */
    async discardInputs(requestId: string): Promise<void> {
      for (const kind of INPUT_KINDS) await remove(pathOf(requestId, `input.${kind}`));
    },

    /** Output files of the request's id that no row records (written before a crash, or half-written). */
    async discardOutputs(requestId: string): Promise<void> {
      for (const format of OUTPUT_FORMATS) await remove(pathOf(requestId, `output.${format}`));
    },

    /**
     * Files a crash or a failed hand-off left behind, last written before `before` (epoch ms): a `.part` never
     * completed, or any file of an id for which `hasRequest` says no request exists (an input saved for a request
     * that was never created). How many were removed.
     */
    async removeStale(before: number, hasRequest: (requestId: string) => boolean): Promise<number> {
      let removed = 0;
      for (const name of await readdir(filesDir)) {
        const match = /^(.{36})\.[a-z.]+\.enc(\.part)?$/.exec(name);
        if (!match || !isRequestId(match[1]!)) continue;
        if (!match[2] && hasRequest(match[1]!)) continue;
        const path = join(filesDir, name);
        try {
          if ((await stat(path)).mtimeMs >= before) continue;
          await unlink(path);
          removed++;
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        }
      }
      return removed;
    },

    writeOutput: (path: string, chunks: ByteSource) => write(path, chunks),
    openInput: (path: string): Readable => createDecryptedReadStream(path, keyring),
    openOutput: (path: string): Promise<Readable> => openDecryptedStream(path, keyring),
  };
}

export type RequestFiles = ReturnType<typeof createRequestFiles>;
