import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { apiKeyId, checkApiKeyEntries, generateApiKey, hashApiKey, type ApiKeyEntry } from './api-keys.js';

/** Where {@link runHashKey} reads and writes; the real process's streams in `hash-key.js`. */
export interface HashKeyIo {
  /** The key given on standard input (`--stdin`). */
  readStdin(): string;
  out(text: string): void;
  err(text: string): void;
}

const USAGE = 'usage: hash-key <caller> [--file <keys.json>] [--stdin]\n';

/**
 * The hash-key command: makes an entry `{ caller, hash }` for `MTS_API_KEYS_FILE`. Without `--stdin` a new random
 * key is made and shown once (on stderr); with `--stdin` the key is read from standard input (never from the
 * command line, where ps and shell history would keep it). With `--file` the entry is added to that keys file
 * (created 0600, replaced atomically), else printed on stdout. Resolves the exit code: 0, 1 (the file is unusable),
 * 2 (usage).
 * @example await runHashKey(['registry-a', '--file', 'keys.json'], io) // 0
 */
export async function runHashKey(argv: readonly string[], io: HashKeyIo): Promise<number> {
  const fileAt = argv.indexOf('--file');
  const file = fileAt === -1 ? undefined : argv[fileAt + 1];
  const positional = argv.filter((a, i) => !a.startsWith('--') && (fileAt === -1 || i !== fileAt + 1));
  const caller = positional[0];
  if (!caller || positional.length > 1 || (fileAt !== -1 && (!file || file.startsWith('--'))) || argv.includes('--help')) {
    io.err(USAGE);
    return 2;
  }
  const fromStdin = argv.includes('--stdin');
  const key = fromStdin ? io.readStdin().trim() : generateApiKey();
  if (key.length < 16) {
    io.err('hash-key: the key must be at least 16 characters\n');
    return 2;
  }
  const id = apiKeyId(key);
  const entry: ApiKeyEntry = id === undefined ? { caller, hash: await hashApiKey(key) } : { caller, hash: await hashApiKey(key), id };
  const checked = checkApiKeyEntries([entry]);
  if (checked.problems.length > 0) {
    io.err(`hash-key: ${checked.problems.join('; ')}\n`);
    return 2;
  }
  if (file) {
    const entries = readEntries(file, io);
    if (!entries) return 1;
    // Atomic and private: the file says who may call, and a reader never sees half of it.
    writeFileSync(`${file}.tmp`, `${JSON.stringify([...entries, entry], null, 2)}\n`, { mode: 0o600 });
    renameSync(`${file}.tmp`, file);
    io.err(`hash-key: added an entry for ${caller} to ${file} (the API reads it at start-up)\n`);
  } else {
    io.out(`${JSON.stringify(entry)}\n`);
  }
  if (!fromStdin) io.err(`API key for ${caller} (shown once; the caller sends it as X-API-Key):\n${key}\n`);
  return 0;
}

function readEntries(file: string, io: HashKeyIo): ApiKeyEntry[] | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return [];
    io.err(`hash-key: cannot read ${file} (${code})\n`);
    return null;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    io.err(`hash-key: ${file} is not valid JSON\n`);
    return null;
  }
  const checked = checkApiKeyEntries(parsed);
  if (checked.problems.length > 0) {
    io.err(`hash-key: ${file}: ${checked.problems.join('; ')}\n`);
    return null;
  }
  return checked.entries;
}
