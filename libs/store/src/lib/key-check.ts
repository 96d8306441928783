import type { DataKeyring } from './data-key.js';
import { StoreError } from './errors.js';

/**
 * The ids of the keys that sealed the requests still holding their settings (every request not yet erased: the ones
 * the worker must still read). One scan of `requests`, a row per request (never of `records`); the id is bytes 2–5
 * of every sealed value (value-cipher.ts).
 */
export const SEALED_KEY_IDS_SQL = {
  sqlite: `SELECT DISTINCT lower(hex(substr(config_ct, 2, 4))) AS id FROM requests WHERE config_ct IS NOT NULL`,
  postgres: `SELECT DISTINCT encode(substr(config_ct, 2, 4), 'hex') AS id FROM requests WHERE config_ct IS NOT NULL`,
} as const;

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
