import { randomBytes } from 'node:crypto';
import { readFile, writeFile, readdir } from 'node:fs/promises';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createTempDir, type TempDir } from '@mts/testing';
import { createKeyring, dataKeyFromBytes } from './data-key.js';
import { createDecryptedReadStream, createEncryptedWriteStream, openDecryptedStream, openSealedChunks, readSealedPieces } from './file-cipher.js';

const ring = createKeyring(dataKeyFromBytes(Buffer.alloc(32, 9)));
let dir: TempDir;
beforeEach(async () => (dir = await createTempDir('file-')));
afterEach(() => dir.remove());

async function readAll(path: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const p of createDecryptedReadStream(path, ring)) parts.push(p as Buffer);
  return Buffer.concat(parts);
}

test.each([0, 5, 65536, 65537, 200_000])('round-trips %i bytes written in odd pieces', async (size) => {
  const plain = randomBytes(size);
  const path = join(dir.path, 'f.enc');
  const pieces = [];
  for (let i = 0; i < size; i += 7777) pieces.push(plain.subarray(i, i + 7777));
  await pipeline(Readable.from(pieces), createEncryptedWriteStream(path, ring));
  expect((await readAll(path)).equals(plain)).toBe(true);
  expect(await readdir(dir.path)).toEqual(['f.enc']);
});

test.each([65536 * 2, 200_000])('round-trips %i bytes written in one piece', async (size) => {
  const plain = randomBytes(size);
  const path = join(dir.path, 'f.enc');
  await pipeline(Readable.from([plain]), createEncryptedWriteStream(path, ring));
  expect((await readAll(path)).equals(plain)).toBe(true);
});

const FULL = 4 + 65536 + 16;
// The header (25 bytes), then length ‖ ciphertext ‖ tag per chunk; a last chunk is final even when full (no empty one).
test.each([
  [65536 * 2 + 10, [25, FULL, FULL, 4 + 10 + 16]],
  [65536 * 2, [25, FULL, FULL]],
  [0, [25, 4 + 16]],
])('a sealed file of %i bytes is read a chunk at a time, into one buffer', async (size, expected) => {
  const path = join(dir.path, 'f.enc');
  await pipeline(Readable.from([randomBytes(size)]), createEncryptedWriteStream(path, ring));
  const sizes: number[] = [];
  const memory = new Set<ArrayBufferLike>();
  for await (const piece of readSealedPieces(path)) {
    sizes.push(piece.length);
    memory.add(piece.buffer);
  }
  expect(sizes).toEqual(expected);
  expect(memory.size).toBe(1);
});

test('pieces cut anywhere, and overwritten by their producer once the next is asked for, still open whole', async () => {
  const plain = randomBytes(150_000);
  const path = join(dir.path, 'f.enc');
  await pipeline(Readable.from([plain]), createEncryptedWriteStream(path, ring));
  const sealed = await readFile(path);
  // Like readSealedPieces, one buffer for every piece; unlike it, cuts that fall inside the header and the chunks.
  async function* reused(size: number): AsyncGenerator<Buffer> {
    const buffer = Buffer.alloc(size);
    for (let at = 0; at < sealed.length; at += size) {
      const n = sealed.copy(buffer, 0, at, at + size);
      yield buffer.subarray(0, n);
      buffer.fill(0);
    }
  }
  for (const size of [7, 1000, 65_557]) {
    const parts: Buffer[] = [];
    for await (const p of openSealedChunks(reused(size), ring)) parts.push(p);
    expect(Buffer.concat(parts).equals(plain)).toBe(true);
  }
});

test('a reader that stops early (a caller who hangs up mid-download) leaves no file open', async () => {
  const path = join(dir.path, 'f.enc');
  await pipeline(Readable.from([randomBytes(65536 * 4)]), createEncryptedWriteStream(path, ring));
  const open = () => readdirSync('/proc/self/fd').length;
  const before = open();
  for (let i = 0; i < 10; i++) {
    const stream = await openDecryptedStream(path, ring);
    await new Promise((resolve) => stream.once('data', resolve));
    await new Promise((resolve) => stream.destroy().once('close', resolve));
  }
  expect(open()).toBe(before);
});

test('plaintext does not appear in the file', async () => {
  const path = join(dir.path, 'f.enc');
  await pipeline(Readable.from(['vid,name\n', '123,Quillanbrook\n']), createEncryptedWriteStream(path, ring));
  expect((await readFile(path)).includes('Quillanbrook')).toBe(false);
});

test('a file cut at a chunk boundary or mid-chunk is detected, and so is a flipped bit', async () => {
  const path = join(dir.path, 'f.enc');
  await pipeline(Readable.from([randomBytes(150_000)]), createEncryptedWriteStream(path, ring));
  const whole = await readFile(path);
  const firstChunkEnd = 25 + 4 + 65536 + 16;
  await writeFile(path, whole.subarray(0, firstChunkEnd));
  await expect(readAll(path)).rejects.toMatchObject({ code: 'STORE_FILE_TRUNCATED' });
  await writeFile(path, whole.subarray(0, firstChunkEnd + 100));
  await expect(readAll(path)).rejects.toMatchObject({ code: 'STORE_FILE_TRUNCATED' });
  const flipped = Buffer.from(whole);
  flipped[40]! ^= 1;
  await writeFile(path, flipped);
  await expect(readAll(path)).rejects.toMatchObject({ code: 'STORE_FILE_CORRUPT' });
});
