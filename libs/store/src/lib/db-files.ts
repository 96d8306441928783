import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { DataKeyring } from './data-key.js';
import { StoreError } from './errors.js';
import { createSealingStream, openCheckedStream, openSealedChunks } from './file-cipher.js';
import type { PgDb } from './pg-db.js';
import type { ByteSource, InputFileKind, OutputFormat } from './request-files.js';
import { isRequestId } from './request-id.js';

const INPUT_KINDS: readonly InputFileKind[] = ['csv', 'json', 'ndjson'];
const OUTPUT_NAMES = ['output.csv', 'output.json', 'output.ndjson'];
/** What `input_path` / `output_path` hold for a file in the database: `db:<name>`, never a path on a disk. */
const PREFIX = 'db:';
/** Chunk rows read per query: about 512 KiB, read only as fast as the consumer takes them. */
const PAGE = 8;

const nameOf = (location: string): string => {
  if (!location.startsWith(PREFIX)) throw new StoreError('STORE_FILE_MISSING', 'the file is not kept in this database');
  return location.slice(PREFIX.length);
};

/**
 * The request files kept in PostgreSQL, in the format of the files on disk (file-cipher.ts): each sealed piece is one
 * `request_file_chunks` row, inserted as soon as it is sealed. A file is written under a fresh id and becomes the
 * request's file only when complete (`complete = 1`, replacing any earlier one, in one transaction); until then no
 * reader sees it, and a failed write deletes it. Reads go a page of chunk rows at a time, as the consumer pulls.
 */
export function createDbFiles(db: PgDb, keyring: DataKeyring, now: () => Date) {
  // As on disk, where the id names the file: anything else is refused before it reaches the database.
  const checked = (requestId: string): string => {
    if (!isRequestId(requestId)) throw new StoreError('STORE_INVALID_OPTIONS', 'not a request id');
    return requestId;
  };

  async function write(requestId: string, name: string, bytes: ByteSource): Promise<void> {
    checked(requestId);
    const id = randomUUID();
    await db.run('INSERT INTO request_files (id, request_id, name, complete, created_at) VALUES ($1, $2, $3, 0, $4)', [
      id,
      requestId,
      name,
      now().getTime(),
    ]);
    let seq = 0;
    const source = bytes instanceof Readable ? bytes : Readable.from(bytes, { objectMode: false });
    const drop = async () => void (await db.run('DELETE FROM request_files WHERE id = $1', [id]));
    try {
      await pipeline(
        source,
      createSealingStream(keyring, {
        write: async (piece) => void (await db.run('INSERT INTO request_file_chunks (file_id, seq, bytes) VALUES ($1, $2, $3)', [id, seq++, piece])),
        finish: () =>
          db.tx(async (q) => {
            // Writers of the same name finish one after the other; the last one's file is the request's.
            await q.rows('SELECT pg_advisory_xact_lock(hashtext($1))', [`mts-store-file/${requestId}/${name}`]);
            await q.run('DELETE FROM request_files WHERE request_id = $1 AND name = $2 AND complete = 1', [requestId, name]);
            // Clean-up may have removed a write that outlived its floor: then there is no file, and the write failed.
            if ((await q.run('UPDATE request_files SET complete = 1 WHERE id = $1', [id])) !== 1) {
              throw new StoreError('STORE_FILE_MISSING', 'the file was removed while it was being written');
            }
          }),
        abort: drop,
      }),
      );
    } catch (error) {
      // pipeline rejects without waiting for the sink's abort: the file goes before the caller hears of the failure.
      // A chunk still being inserted either lands first (and goes with it) or fails its foreign key.
      await drop().catch(() => undefined);
      throw error;
    }
  }

  async function* pieces(requestId: string, name: string): AsyncGenerator<Buffer> {
    const [file] = await db.rows<{ id: string }>('SELECT id FROM request_files WHERE request_id = $1 AND name = $2 AND complete = 1', [requestId, name]);
    if (!file) throw new StoreError('STORE_FILE_MISSING', 'the encrypted file does not exist');
    let after = -1;
    for (;;) {
      const rows = await db.rows<{ seq: number; bytes: Buffer }>(
        'SELECT seq, bytes FROM request_file_chunks WHERE file_id = $1 AND seq > $2 ORDER BY seq LIMIT $3',
        [file.id, after, PAGE],
      );
      for (const r of rows) yield r.bytes;
      if (rows.length < PAGE) return;
      after = rows[rows.length - 1]!.seq;
    }
  }

  /** Deletes the files of these names (complete or being written, with their chunks); how many there were. */
  async function removeNames(requestId: string, names: readonly string[]): Promise<number> {
    return db.run('DELETE FROM request_files WHERE request_id = $1 AND name = ANY($2::text[])', [checked(requestId), names]);
  }

  return {
    outputLocation: (format: OutputFormat) => `${PREFIX}output.${format}`,

    async saveInput(requestId: string, kind: InputFileKind, bytes: ByteSource): Promise<void> {
      if (!INPUT_KINDS.includes(kind)) throw new StoreError('STORE_INVALID_OPTIONS', 'unknown input kind');
      await write(requestId, `input.${kind}`, bytes);
    },

    /** The input saved under the request id, whatever kind it was saved as; null when there is none. */
    async savedInput(requestId: string): Promise<string | null> {
      const [row] = await db.rows<{ name: string }>(
        'SELECT name FROM request_files WHERE request_id = $1 AND complete = 1 AND name = ANY($2::text[]) ORDER BY name LIMIT 1',
        [requestId, INPUT_KINDS.map((k) => `input.${k}`)],
      );
      return row ? PREFIX + row.name : null;
    },

    discardInputs: (requestId: string) => removeNames(requestId, INPUT_KINDS.map((k) => `input.${k}`)),
    /** Output files of the request that no row records (written before a crash, or being written). */
    discardOutputs: (requestId: string) => removeNames(requestId, OUTPUT_NAMES),
    remove: async (requestId: string, location: string | null) => (location ? removeNames(requestId, [nameOf(location)]) : 0),
    /** Every file of the request, whatever its name. */
    removeAll: (requestId: string) => db.run('DELETE FROM request_files WHERE request_id = $1', [requestId]),

    /**
     * Files a crash left behind, older than `before` (epoch ms): never completed, or an input saved for a request that
     * was never created.
     */
    removeStale: (before: number) =>
      db.run(
        `DELETE FROM request_files f WHERE created_at < $1
           AND (complete = 0 OR NOT EXISTS (SELECT 1 FROM requests r WHERE r.id = f.request_id))`,
        [before],
      ),

    writeOutput: (requestId: string, location: string, bytes: ByteSource) => write(requestId, nameOf(location), bytes),
    openInput: (requestId: string, location: string): Readable =>
      Readable.from(openSealedChunks(pieces(requestId, nameOf(location)), keyring), { objectMode: false }),
    openOutput: (requestId: string, location: string): Promise<Readable> => openCheckedStream(openSealedChunks(pieces(requestId, nameOf(location)), keyring)),
  };
}

export type DbFiles = ReturnType<typeof createDbFiles>;
