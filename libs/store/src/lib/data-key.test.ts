import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createTempDir } from '@mts/testing';
import { createKeyring, dataKeyFromBytes, loadOrCreateDataKey } from './data-key.js';
import { StoreError } from './errors.js';
import { openValue, sealValue } from './value-cipher.js';

test('a key file is created once with mode 0600 and read back on the next start', async () => {
  const dir = await createTempDir('key-');
  try {
    const keyFile = join(dir.path, 'sub', 'data.key');
    const first = loadOrCreateDataKey({ keyFile });
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const second = loadOrCreateDataKey({ keyFile });
    expect(second.current.key.equals(first.current.key)).toBe(true);
    expect(Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'base64')).toHaveLength(32);
  } finally {
    await dir.remove();
  }
});

test('with create: false a missing key file is STORE_KEY_MISSING and nothing is written; an existing one is read', async () => {
  const dir = await createTempDir('key-');
  try {
    const keyFile = join(dir.path, 'secret', 'data.key');
    expect(() => loadOrCreateDataKey({ keyFile, create: false })).toThrow(expect.objectContaining({ code: 'STORE_KEY_MISSING' }));
    expect(existsSync(join(dir.path, 'secret'))).toBe(false);
    const made = loadOrCreateDataKey({ keyFile });
    expect(loadOrCreateDataKey({ keyFile, create: false }).current.key.equals(made.current.key)).toBe(true);
  } finally {
    await dir.remove();
  }
});

test('a configured key wins over the file; a wrong-sized key is refused with a code', () => {
  const b64 = Buffer.alloc(32, 1).toString('base64');
  const ring = loadOrCreateDataKey({ dataKey: b64, keyFile: '/nonexistent/never-written' });
  expect(ring.current.key.equals(Buffer.alloc(32, 1))).toBe(true);
  expect(() => loadOrCreateDataKey({ dataKey: Buffer.alloc(16).toString('base64') })).toThrow(
    expect.objectContaining({ code: 'STORE_BAD_DATA_KEY' }),
  );
});

test('after a rotation old values still open and new ones use the new key id', () => {
  const oldKey = dataKeyFromBytes(Buffer.alloc(32, 2));
  const newKey = dataKeyFromBytes(Buffer.alloc(32, 3));
  const before = sealValue(createKeyring(oldKey), { a: 1 }, 'r/1');
  const rotated = createKeyring(newKey, [oldKey]);
  expect(openValue(rotated, before, 'r/1')).toEqual({ a: 1 });
  const after = sealValue(rotated, { a: 2 }, 'r/1');
  expect(after.subarray(1, 5).equals(newKey.id)).toBe(true);
  expect(() => openValue(createKeyring(oldKey), after, 'r/1')).toThrow(expect.objectContaining({ code: 'STORE_UNKNOWN_KEY_ID' }));
});

test('sealed values use a fresh nonce, and fail on tampering or a swapped row', () => {
  const ring = createKeyring(dataKeyFromBytes(Buffer.alloc(32, 4)));
  const a = sealValue(ring, 'same', 'r/1');
  const b = sealValue(ring, 'same', 'r/1');
  expect(a.equals(b)).toBe(false);
  const tampered = Buffer.from(a);
  tampered[tampered.length - 20]! ^= 1;
  expect(() => openValue(ring, tampered, 'r/1')).toThrow(StoreError);
  expect(() => openValue(ring, a, 'r/2')).toThrow(expect.objectContaining({ code: 'STORE_DECRYPT_FAILED' }));
});
