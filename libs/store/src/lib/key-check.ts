import { open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { DataKeyring } from './data-key.js';
import { StoreError } from './errors.js';
import { SEALED_KEY_ID_END, sealedKeyId } from './file-cipher.js';

/**
 * The ids of the keys that sealed the requests still holding their settings (every request not yet erased: the ones
 * the worker must still read), and on PostgreSQL those of its complete request files (an erased request's output
 * still waiting for its download included). One scan of `requests`, a row per request (never of `records`); the id
 * is bytes 2–5 of every sealed value (value-cipher.ts). A file's id is bytes 6–9 of its header (file-cipher.ts's
 * `sealedKeyId`), which is the file's first chunk row on its own.
 */
export const SEALED_KEY_IDS_SQL = {
  sqlite: `SELECT DISTINCT lower(hex(substr(config_ct, 2, 4))) AS id FROM requests WHERE config_ct IS NOT NULL`,
  postgres: `SELECT encode(substr(config_ct, 2, 4), 'hex') AS id FROM requests WHERE config_ct IS NOT NULL
    UNION SELECT encode(substr(c.bytes, 6, 4), 'hex') FROM request_files f JOIN request_file_chunks c ON c.file_id = f.id AND c.seq = 0 WHERE f.complete = 1`,
} as const;

/**
 * The key ids in the headers of the complete files in `filesDir` (SQLite's request files: an erased request's
 * output still waiting for its download included), read by file-cipher's `sealedKeyId` from each file's first bytes.
 * A file too short or without the header is left to the reader, which reports it when the file is opened.
 */
export async function fileKeyIds(filesDir: string): Promise<string[]> {
  const ids = new Set<string>();
  const head = Buffer.alloc(SEALED_KEY_ID_END);
  for (const name of await readdir(filesDir)) {
    if (!name.endsWith('.enc')) continue;
    let file;
    try {
      file = await open(join(filesDir, name), 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue; // removed meanwhile (a clean-up)
      throw error;
    }
    try {
      const { bytesRead } = await file.read(head, 0, head.length, 0);
      const id = sealedKeyId(head.subarray(0, bytesRead));
      if (id !== undefined) ids.add(id);
    } finally {
      await file.close();
    }
  }
  return [...ids];
}

/**
 * Refuses a store holding data sealed under a key the keyring lacks (a mistyped key file, a rotation without the old
 * key kept): `STORE_UNKNOWN_KEY_ID` at open, not on every job later. Key ids are a 4-byte hash of the key, not secret.
 */
export function checkSealedKeyIds(ids: readonly string[], keyring: DataKeyring): void {
  const unknown = ids.filter((id) => !keyring.byId.has(id));
  if (unknown.length === 0) return;
  throw new StoreError(
    'STORE_UNKNOWN_KEY_ID',
    `the store holds data sealed under data key id ${unknown.slice(0, 5).join(', ')}, which no configured key has (configured: ${[...keyring.byId.keys()].join(', ')})`,
  );
}
