import { chmodSync, closeSync, mkdirSync, openSync, statSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { resolve } from 'node:path';

/**
 * Makes `dir` private to its owner (0700), whatever the umask: created so, or, when it exists and belongs to this
 * user, with group and other access taken away. A shared directory (/, the temp dir, the home dir) is left alone.
 */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const full = resolve(dir);
  if (full === '/' || full === resolve(tmpdir()) || full === resolve(homedir())) return;
  const st = statSync(full);
  const mine = typeof process.getuid !== 'function' || st.uid === process.getuid();
  if (mine && (st.mode & 0o777) !== 0o700) chmodSync(full, 0o700);
}

/**
 * Makes a SQLite database file private (0600) before SQLite opens it: created empty with that mode when missing
 * (SQLite gives its -wal and -shm files the database file's mode), chmodded with its -wal/-shm/-journal when they
 * exist from an earlier run.
 */
export function ensurePrivateDatabaseFile(path: string): void {
  closeSync(openSync(path, 'a', 0o600));
  for (const file of [path, `${path}-wal`, `${path}-shm`, `${path}-journal`]) {
    try {
      chmodSync(file, 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}
