import { createHash, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** One entry of the keys file (`MTS_API_KEYS_FILE`): a caller's name and the scrypt hash of its key. */
export interface ApiKeyEntry {
  caller: string;
  /** `scrypt$N=<cost>,r=<block>,p=<parallel>$<salt, base64url>$<hash, base64url>`. */
  hash: string;
  /**
   * The key's id, when the key carries one (`mts_<id>_<secret>`, as `hash-key` makes them): a presented key is then
   * checked against its own entry only, so a made-up key costs at most one scrypt whatever the file's length.
   */
  id?: string;
}

/** scrypt's cost settings: N = 2^14, r = 8, p = 1 (about 16 MiB and some tens of ms per check). */
const DEFAULT_PARAMS = { N: 1 << 14, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;
const CALLER = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
/** A key made by {@link generateApiKey}: `mts_`, 12 hex digits of id, `_`, 32 random bytes in base64url. */
const KEY_WITH_ID = /^mts_([0-9a-f]{12})_[A-Za-z0-9_-]{43}$/;
const ID = /^[0-9a-f]{12}$/;
const HASH = /^scrypt\$N=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9_-]{16,})\$([A-Za-z0-9_-]{43})$/;

interface ParsedHash {
  params: { N: number; r: number; p: number };
  salt: Buffer;
  hash: Buffer;
}

function derive(key: string, salt: Buffer, params: { N: number; r: number; p: number }): Promise<Buffer> {
  // Async scrypt runs on libuv's pool: a check never blocks the event loop.
  const options: ScryptOptions = { ...params, maxmem: 256 * params.N * params.r + 1024 * 1024 };
  return new Promise((resolve, reject) => scrypt(key, salt, KEY_LENGTH, options, (err, out) => (err ? reject(err) : resolve(out))));
}

/**
 * Hashes an API key for the keys file (random 16-byte salt).
 * @example await hashApiKey('k3y') // 'scrypt$N=16384,r=8,p=1$…$…'
 */
export async function hashApiKey(key: string, params: { N: number; r: number; p: number } = DEFAULT_PARAMS): Promise<string> {
  const salt = randomBytes(16);
  const hash = await derive(key, salt, params);
  return `scrypt$N=${params.N},r=${params.r},p=${params.p}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

/** A new random API key: a recognisable prefix, a 6-byte id (not secret) and 32 secret bytes in base64url. */
export function generateApiKey(): string {
  return `mts_${randomBytes(6).toString('hex')}_${randomBytes(32).toString('base64url')}`;
}

/** The id a key carries (keys from {@link generateApiKey}); undefined for a key of the caller's own choosing. */
export function apiKeyId(key: string): string | undefined {
  return KEY_WITH_ID.exec(key)?.[1];
}

/** Parses a hash written by {@link hashApiKey}; null when it is not one (or its settings are out of range). */
function parseHash(text: string): ParsedHash | null {
  const m = HASH.exec(text);
  if (!m) return null;
  const [N, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const powerOfTwo = (N & (N - 1)) === 0;
  if (!powerOfTwo || N < 1 << 10 || N > 1 << 20 || r < 1 || r > 32 || p < 1 || p > 16) return null;
  return { params: { N, r, p }, salt: Buffer.from(m[4]!, 'base64url'), hash: Buffer.from(m[5]!, 'base64url') };
}

/**
 * Checks the keys file's parsed JSON: a list of `{ caller, hash }`. Returns the problems, one per entry at fault,
 * naming the entry by its position (never quoting a hash).
 */
export function checkApiKeyEntries(value: unknown): { entries: ApiKeyEntry[]; problems: string[] } {
  if (!Array.isArray(value)) return { entries: [], problems: ['must be a JSON array of { "caller": "<name>", "hash": "scrypt$…" }'] };
  const problems: string[] = [];
  const entries: ApiKeyEntry[] = [];
  const ids = new Set<string>();
  value.forEach((item: unknown, i) => {
    const e = item as Partial<ApiKeyEntry> | null;
    if (typeof e !== 'object' || e === null) return void problems.push(`entry ${i}: must be an object`);
    if (typeof e.caller !== 'string' || !CALLER.test(e.caller)) problems.push(`entry ${i}: caller must be 1-64 of A-Z a-z 0-9 . _ @ - (starting with a letter or digit)`);
    else if (typeof e.hash !== 'string' || !parseHash(e.hash)) problems.push(`entry ${i} (${e.caller}): hash is not an scrypt hash made by hash-key`);
    else if (e.id !== undefined && (typeof e.id !== 'string' || !ID.test(e.id))) problems.push(`entry ${i} (${e.caller}): id must be 12 hex digits (the one in the key)`);
    else if (e.id !== undefined && ids.has(e.id)) problems.push(`entry ${i} (${e.caller}): id is listed twice`);
    else {
      if (e.id !== undefined) ids.add(e.id);
      entries.push(e.id === undefined ? { caller: e.caller, hash: e.hash } : { caller: e.caller, hash: e.hash, id: e.id });
    }
  });
  if (problems.length === 0 && entries.length === 0) problems.push('lists no key');
  return { entries, problems };
}

/** Looks a presented key up among the entries; resolves the caller's name, or null. */
export type ApiKeyVerifier = (key: string) => Promise<string | null>;

/**
 * A verifier over the keys file's entries: scrypt of the presented key against each entry's salt, compared in
 * constant time. Answers (by SHA-256 of the key, never the key) are remembered, up to `cacheSize` accepted keys and
 * as many refused ones apart, so a caller's repeated calls cost one scrypt in all and made-up keys cannot push a
 * caller's key out; at most `concurrency` keys are hashed at once, so a flood of made-up keys
 * cannot take every thread of libuv's pool from the file reads and writes that share it.
 * @example const verify = createApiKeyVerifier(entries); await verify(req.get('x-api-key')) // 'registry-a' | null
 */
export function createApiKeyVerifier(
  entries: readonly ApiKeyEntry[],
  options: { cacheSize?: number; concurrency?: number; /** Told of each scrypt run (tests count them). */ onHash?: () => void } = {},
): ApiKeyVerifier {
  const parsed = entries.map((e) => ({ caller: e.caller, id: e.id, ...parseHash(e.hash)! }));
  // A key with an id is checked against its entry only; a key without one against the entries without one.
  const byId = new Map(parsed.filter((e) => e.id !== undefined).map((e) => [e.id!, e]));
  const withoutId = parsed.filter((e) => e.id === undefined);
  const cacheSize = options.cacheSize ?? 1000;
  // Refusals are remembered apart: a flood of made-up keys (free to make) must not push the callers' keys out.
  const accepted = new Map<string, string>();
  const refused = new Set<string>();
  const slot = limiter(options.concurrency ?? 2);
  const lookUp = async (key: string): Promise<string | null> => {
    const id = apiKeyId(key);
    const candidates = id === undefined ? withoutId : byId.has(id) ? [byId.get(id)!] : [];
    for (const entry of candidates) {
      options.onHash?.();
      const derived = await derive(key, entry.salt, entry.params);
      if (derived.length === entry.hash.length && timingSafeEqual(derived, entry.hash)) return entry.caller;
    }
    return null;
  };
  return async (key) => {
    if (key.length === 0 || key.length > 512) return null;
    const digest = createHash('sha256').update(key).digest('base64url');
    const cached = accepted.get(digest);
    if (cached !== undefined) return cached;
    if (refused.has(digest)) return null;
    const caller = await slot(() => lookUp(key));
    if (caller === null) {
      if (refused.size >= cacheSize) refused.delete(refused.values().next().value!);
      refused.add(digest);
    } else {
      if (accepted.size >= cacheSize) accepted.delete(accepted.keys().next().value!);
      accepted.set(digest, caller);
    }
    return caller;
  };
}

/** Runs at most `n` of the given tasks at a time, the rest in arrival order. */
function limiter(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    // A finishing task hands its slot straight to the next waiter, so no newcomer slips in between.
    if (running >= n) await new Promise<void>((resolve) => waiting.push(resolve));
    else running++;
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
}
