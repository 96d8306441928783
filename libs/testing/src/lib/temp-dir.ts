import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A temporary directory and a function that removes it. */
export interface TempDir {
  path: string;
  remove(): Promise<void>;
}

/**
 * Creates a fresh directory under the OS temp folder.
 * @example const dir = await createTempDir('store-'); try { ... } finally { await dir.remove(); }
 */
export async function createTempDir(prefix = 'mts-'): Promise<TempDir> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}
