import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { Readable, Writable } from 'node:stream';
import type { DataKeyring } from './data-key.js';
import { StoreError } from './errors.js';

// Format: header = "MTSF" ‖ version(1) ‖ keyId(4) ‖ salt(16); then chunks of len(u32 BE) ‖ ciphertext ‖ tag(16).
// Each file gets its own HKDF subkey (random salt), so the counter nonces never repeat under one key.
// The last chunk's nonce carries a final flag: a file cut at a chunk boundary fails as truncated.
const MAGIC = Buffer.from('MTSF');
const VERSION = 1;
const HEADER = 4 + 1 + 4 + 16;
const TAG = 16;
const CHUNK = 64 * 1024;

function subkey(key: Buffer, salt: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', key, salt, 'mts-store-file-v1', 32));
}

function nonce(counter: number, final: boolean): Buffer {
  const n = Buffer.alloc(12);
  n.writeUIntBE(counter, 5, 6);
  n[11] = final ? 1 : 0;
  return n;
}

function sealChunk(key: Buffer, header: Buffer, counter: number, plain: Buffer, final: boolean): Buffer {
  const cipher = createCipheriv('aes-256-gcm', key, nonce(counter, final), { authTagLength: TAG });
  cipher.setAAD(header);
  // One buffer for the whole piece: GCM's ciphertext is as long as the plaintext, and final() adds no bytes.
  const out = Buffer.allocUnsafe(4 + plain.length + TAG);
  out.writeUInt32BE(plain.length, 0);
  const body = cipher.update(plain);
  body.copy(out, 4);
  cipher.final().copy(out, 4 + body.length);
  cipher.getAuthTag().copy(out, 4 + plain.length);
  return out;
}

/**
 * Where sealed bytes go: the header first, then each sealed chunk, in order (a file, or chunk rows in PostgreSQL).
 * `finish` makes them whole and visible at once; `abort` removes whatever was written.
 */
export interface SealedSink {
  write(piece: Buffer): Promise<void>;
  finish(): Promise<void>;
  abort(): Promise<void>;
}

/**
 * A writable stream that encrypts what it is given (AES-256-GCM, authenticated per 64 KiB chunk) and hands each
 * sealed piece to `sink` as soon as it is sealed, so nothing is held whole in memory; on failure the sink is aborted.
 */
export function createSealingStream(keyring: DataKeyring, sink: SealedSink): Writable {
  const salt = randomBytes(16);
  const header = Buffer.concat([MAGIC, Buffer.from([VERSION]), keyring.current.id, salt]);
  const key = subkey(keyring.current.key, salt);
  let started = false;
  let finished = false;
  // The chunk being filled, reused for every chunk: it is sealed (and so copied) before it is filled again.
  const plain = Buffer.allocUnsafe(CHUNK);
  let filled = 0;
  let counter = 0;
  // The write or final step in progress: destroy waits for it, so a piece being written is still removed.
  let busy: Promise<void> = Promise.resolve();

  async function start(): Promise<void> {
    if (started) return;
    started = true;
    await sink.write(header);
  }

  // A full chunk is sealed only once a byte follows it: the last chunk, even a full one, carries the final flag.
  async function take(buf: Buffer): Promise<void> {
    await start();
    for (let at = 0; at < buf.length; ) {
      if (filled === CHUNK) {
        await sink.write(sealChunk(key, header, counter++, plain, false));
        filled = 0;
      }
      const n = buf.copy(plain, filled, at);
      filled += n;
      at += n;
    }
  }

  return new Writable({
    write(chunk: Buffer | string, encoding, callback) {
      busy = take(typeof chunk === 'string' ? Buffer.from(chunk, encoding) : chunk);
      busy.then(() => callback(), callback);
    },
    final(callback) {
      busy = (async () => {
        await start();
        await sink.write(sealChunk(key, header, counter++, plain.subarray(0, filled), true));
        await sink.finish();
        finished = true;
      })();
      busy.then(() => callback(), callback);
    },
    destroy(error, callback) {
      (async () => {
        await busy.catch(() => undefined);
        // Destroyed before it finished (an error, or a caller giving up): nothing may be left behind.
        if (!finished) await sink.abort().catch(() => undefined);
      })().then(() => callback(error), () => callback(error));
    },
  });
}

/**
 * A writable stream that encrypts what it is given into `path` (AES-256-GCM, authenticated per 64 KiB chunk).
 * It writes `path + '.part'` and renames it on finish, so a half-written file never appears under `path`.
 *
 * @example
 * ```ts
 * await pipeline(upload, createEncryptedWriteStream('./data/files/in.csv.enc', keyring));
 * ```
 */
export function createEncryptedWriteStream(path: string, keyring: DataKeyring): Writable {
  const partPath = `${path}.part`;
  let handle: FileHandle | undefined;
  const close = async () => {
    const h = handle;
    handle = undefined;
    if (h) await h.close();
  };
  return createSealingStream(keyring, {
    async write(piece) {
      handle ??= await open(partPath, 'w', 0o600);
      await handle.write(piece);
    },
    async finish() {
      await handle!.sync();
      await close();
      await rename(partPath, path);
    },
    async abort() {
      await close().catch(() => undefined);
      await unlink(partPath).catch(() => undefined);
    },
  });
}

/** Bytes a sealed file starts with: magic, version and the key id, which {@link sealedKeyId} reads. */
export const SEALED_KEY_ID_END = 9;

/**
 * The id (hex) of the key that sealed a file, from its first {@link SEALED_KEY_ID_END} bytes or more; undefined when
 * they are not the header of one of our files.
 */
export function sealedKeyId(head: Buffer): string | undefined {
  if (head.length < SEALED_KEY_ID_END || !head.subarray(0, 4).equals(MAGIC) || head[4] !== VERSION) return undefined;
  return head.subarray(5, SEALED_KEY_ID_END).toString('hex');
}

/**
 * The plaintext chunks of sealed bytes (as {@link createSealingStream} wrote them), given in pieces of any size:
 * a file read, or chunk rows read a page at a time. Nothing unauthenticated is yielded; a cut or damaged input
 * throws `STORE_FILE_TRUNCATED` / `STORE_FILE_CORRUPT`. A piece may be overwritten by its producer once the next is
 * asked for (see {@link readSealedPieces}): what is kept of it past that is copied.
 */
export async function* openSealedChunks(pieces: AsyncIterable<Buffer>, keyring: DataKeyring): AsyncGenerator<Buffer> {
  let buf: Buffer = Buffer.alloc(0);
  let header: Buffer | undefined;
  let key: Buffer | undefined;
  let counter = 0;
  let finished = false;
  for await (const piece of pieces) {
    buf = buf.length === 0 ? (piece as Buffer) : Buffer.concat([buf, piece as Buffer]);
    if (!header && buf.length >= HEADER) {
      header = Buffer.from(buf.subarray(0, HEADER));
      const keyId = sealedKeyId(header);
      if (keyId === undefined) throw new StoreError('STORE_FILE_CORRUPT', 'not an encrypted store file');
      const entry = keyring.byId.get(keyId);
      if (!entry) throw new StoreError('STORE_UNKNOWN_KEY_ID', 'the file was sealed with a data key that is not configured');
      key = subkey(entry.key, header.subarray(9, HEADER));
      buf = buf.subarray(HEADER);
    }
    while (header && buf.length >= 4) {
      const len = buf.readUInt32BE(0);
      if (len > CHUNK) throw new StoreError('STORE_FILE_CORRUPT', 'an encrypted chunk has an impossible length');
      if (buf.length < 4 + len + TAG) break;
      if (finished) throw new StoreError('STORE_FILE_CORRUPT', 'data follows the final chunk');
      const body = buf.subarray(4, 4 + len);
      const tag = buf.subarray(4 + len, 4 + len + TAG);
      buf = buf.subarray(4 + len + TAG);
      // The final flag is only known by trying: a full chunk is never final unless the file ends right there.
      const plain = tryOpen(key!, header, counter, body, tag, false) ?? tryOpen(key!, header, counter, body, tag, true);
      if (!plain) throw new StoreError('STORE_FILE_CORRUPT', `encrypted chunk ${counter} failed authentication`);
      if (plain.final) finished = true;
      counter++;
      if (plain.data.length > 0) yield plain.data;
    }
    // A header or chunk cut across pieces (sealed files are read a chunk at a time, so a damaged one): keep its start.
    if (buf.length > 0) buf = Buffer.from(buf);
  }
  if (!header) throw new StoreError('STORE_FILE_TRUNCATED', 'the encrypted file has no complete header');
  if (buf.length > 0) throw new StoreError(finished ? 'STORE_FILE_CORRUPT' : 'STORE_FILE_TRUNCATED', 'the encrypted file ends mid-chunk');
  if (!finished) throw new StoreError('STORE_FILE_TRUNCATED', 'the encrypted file is missing its final chunk');
}

function tryOpen(key: Buffer, header: Buffer, counter: number, body: Buffer, tag: Buffer, final: boolean) {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, nonce(counter, final), { authTagLength: TAG });
    decipher.setAAD(header);
    decipher.setAuthTag(tag);
    const data = decipher.update(body);
    // GCM's final() only checks the tag (it yields no bytes): no copy of the chunk to join them.
    const rest = decipher.final();
    return { data: rest.length === 0 ? data : Buffer.concat([data, rest]), final };
  } catch {
    return undefined;
  }
}

/**
 * A readable byte stream of the plaintext of a file written by {@link createEncryptedWriteStream}. It errors
 * with `STORE_FILE_TRUNCATED` / `STORE_FILE_CORRUPT` rather than yield unauthenticated bytes.
 *
 * @example
 * ```ts
 * for await (const record of parseCsv(createDecryptedReadStream(inputPath, keyring))) { ... }
 * ```
 */
export function createDecryptedReadStream(path: string, keyring: DataKeyring): Readable {
  return Readable.from(openSealedChunks(readSealedPieces(path), keyring), { objectMode: false });
}

/**
 * As {@link createDecryptedReadStream}, but the file's header and first authenticated chunk are read and checked
 * before it resolves, so a missing (`STORE_FILE_MISSING`), foreign or damaged file is refused up front; damage
 * further in still errors the stream. A file of one chunk (64 KiB) is thus checked whole.
 */
export async function openDecryptedStream(path: string, keyring: DataKeyring): Promise<Readable> {
  return openCheckedStream(openSealedChunks(readSealedPieces(path), keyring));
}

/**
 * A sealed file's header, then one sealed chunk per piece (every chunk but the last has the same size), read into
 * one buffer that each piece overwrites. A file of N chunks is read into 64 KiB once, not into N fresh buffers, and
 * no chunk is joined from two reads: a download or an ingest leaves no garbage behind it but the plaintext it yields
 * (half the CPU of a download in bench:files). The handle closes when the reader stops, at the end or not.
 * Throws the open's own error (`ENOENT` for a missing file).
 */
export async function* readSealedPieces(path: string): AsyncGenerator<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(4 + CHUNK + TAG);
    let position = 0;
    // The header alone first, so that every later read starts at a chunk's length.
    for (let want = HEADER; ; want = buffer.length) {
      let filled = 0;
      while (filled < want) {
        const { bytesRead } = await handle.read(buffer, filled, want - filled, position);
        if (bytesRead === 0) break;
        filled += bytesRead;
        position += bytesRead;
      }
      if (filled === 0) return;
      yield buffer.subarray(0, filled);
      if (filled < want) return;
    }
  } finally {
    await handle.close();
  }
}

/**
 * A readable stream of `chunks` whose first chunk is read (and so authenticated) before it resolves; a missing
 * file (`ENOENT`) is `STORE_FILE_MISSING`.
 */
export async function openCheckedStream(chunks: AsyncGenerator<Buffer>): Promise<Readable> {
  let first: IteratorResult<Buffer>;
  try {
    first = await chunks.next();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new StoreError('STORE_FILE_MISSING', 'the encrypted file does not exist');
    throw error;
  }
  let head: Buffer | undefined = first.done ? undefined : first.value;
  let done = first.done === true;
  return new Readable({
    read() {
      if (head) {
        this.push(head);
        head = undefined;
      } else if (done) this.push(null);
      else {
        chunks.next().then(
          (r) => {
            done = r.done === true;
            this.push(r.done ? null : r.value);
          },
          (error: Error) => this.destroy(error),
        );
      }
    },
    // Ends the generator (and so closes the file) whether or not it was read to the end.
    destroy(error, callback) {
      chunks.return(undefined).then(() => callback(error), () => callback(error));
    },
  });
}
