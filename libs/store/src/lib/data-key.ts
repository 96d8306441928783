import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { StoreError } from './errors.js';

/** One 32-byte AES-256 data key and its 4-byte id (derived from the key, so it needs no bookkeeping). */
export interface DataKey {
  id: Buffer;
  key: Buffer;
}

/**
 * The keys the store can read with, and the one it writes with. Old keys stay readable after a rotation:
 * every ciphertext carries the id of the key that sealed it.
 */
export interface DataKeyring {
  current: DataKey;
  /** Every readable key by hex id, the current one included. */
  byId: ReadonlyMap<string, DataKey>;
}

export interface LoadDataKeyOptions {
  /** Base64 of 32 bytes (e.g. `MTS_DATA_KEY`); when set, no key file is read or written. */
  dataKey?: string;
  /** Where to keep a generated key (e.g. `<dataDir>/data.key`), created once with mode 0600. */
  keyFile?: string;
  /** Base64 keys retired by a rotation, still needed to read older data. */
  previousKeys?: readonly string[];
  /**
   * Whether a missing `keyFile` (and its directory) is generated (default true). False where the file is named on
   * purpose (a mounted secret, a key shared by several hosts): a missing file is then `STORE_KEY_MISSING`, not a new
   * key over data sealed under the old one, and no directory is made.
   */
  create?: boolean;
}

/** Makes a {@link DataKey} from 32 raw bytes. */
export function dataKeyFromBytes(bytes: Uint8Array): DataKey {
  if (bytes.length !== 32) throw new StoreError('STORE_BAD_DATA_KEY', `a data key must be 32 bytes, got ${bytes.length}`);
  const key = Buffer.from(bytes);
  const id = createHash('sha256').update('mts-store-key-id\0').update(key).digest().subarray(0, 4);
  return { id, key };
}

function fromBase64(text: string, what: string): DataKey {
  const trimmed = text.trim();
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) throw new StoreError('STORE_BAD_DATA_KEY', `${what} is not base64`);
  return dataKeyFromBytes(Buffer.from(trimmed, 'base64'));
}

/** Builds a keyring from a current key and any retired ones. */
export function createKeyring(current: DataKey, previous: readonly DataKey[] = []): DataKeyring {
  const byId = new Map<string, DataKey>();
  for (const k of [...previous, current]) byId.set(k.id.toString('hex'), k);
  return { current, byId };
}

/**
 * Returns the data key from configuration, or the one kept in `keyFile`, generating that file (0600) on first
 * start. Safe when two processes (API and worker) start together: the file appears atomically, once.
 *
 * @example
 * ```ts
 * const keyring = loadOrCreateDataKey({ dataKey: process.env.MTS_DATA_KEY, keyFile: './data/data.key' });
 * ```
 */
export function loadOrCreateDataKey(options: LoadDataKeyOptions): DataKeyring {
  const previous = (options.previousKeys ?? []).map((k, i) => fromBase64(k, `previous data key #${i + 1}`));
  if (options.dataKey !== undefined && options.dataKey !== '') {
    return createKeyring(fromBase64(options.dataKey, 'the data key'), previous);
  }
  const keyFile = options.keyFile;
  if (!keyFile) throw new StoreError('STORE_INVALID_OPTIONS', 'either dataKey or keyFile is required');
  if (options.create !== false) mkdirSync(dirname(keyFile), { recursive: true });
  try {
    return createKeyring(fromBase64(readFileSync(keyFile, 'utf8'), 'the key file'), previous);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    if (options.create === false) throw new StoreError('STORE_KEY_MISSING', `there is no data key file ${keyFile}`);
  }
  // Written whole to a private temp name, then hard-linked into place: link fails if another process won.
  const temp = `${keyFile}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temp, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  chmodSync(temp, 0o600);
  try {
    linkSync(temp, keyFile);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(temp);
  }
  return createKeyring(fromBase64(readFileSync(keyFile, 'utf8'), 'the key file'), previous);
}
