import { apiKeyId, checkApiKeyEntries, createApiKeyVerifier, generateApiKey, hashApiKey } from './api-keys.js';

const FAST = { N: 1024, r: 8, p: 1 };

describe('API key hashes', () => {
  it('verifies each caller’s key, and nothing else', async () => {
    const entries = [
      { caller: 'alpha', hash: await hashApiKey('alpha-secret-0000000001', FAST) },
      { caller: 'beta', hash: await hashApiKey('beta-secret-00000000002', FAST) },
      { caller: 'beta', hash: await hashApiKey('beta-rotated-0000000003', FAST) },
    ];
    expect(checkApiKeyEntries(entries).problems).toEqual([]);
    const verify = createApiKeyVerifier(entries);
    expect(await verify('alpha-secret-0000000001')).toBe('alpha');
    expect(await verify('beta-secret-00000000002')).toBe('beta');
    expect(await verify('beta-rotated-0000000003')).toBe('beta');
    expect(await verify('alpha-secret-0000000002')).toBeNull();
    expect(await verify('')).toBeNull();
    // Answers are remembered: the same key again gives the same verdict.
    expect(await verify('alpha-secret-0000000001')).toBe('alpha');
    expect(await verify('alpha-secret-0000000002')).toBeNull();
  });

  it('salts every hash: the same key twice gives two different hashes', async () => {
    const [a, b] = [await hashApiKey('same-key-000000000000', FAST), await hashApiKey('same-key-000000000000', FAST)];
    expect(a).not.toBe(b);
    expect(a).toMatch(/^scrypt\$N=1024,r=8,p=1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
  });

  it('answers every one of many keys checked at once through a single hashing slot', async () => {
    const verify = createApiKeyVerifier([{ caller: 'alpha', hash: await hashApiKey('alpha-secret-0000000001', FAST) }], { concurrency: 1 });
    const keys = Array.from({ length: 6 }, (_, i) => `unknown-key-${i}-0000000000`);
    expect(await Promise.all([...keys.map((k) => verify(k)), verify('alpha-secret-0000000001')])).toEqual([...keys.map(() => null), 'alpha']);
  });

  it('checks a key that carries an id against its own entry only: a made-up key costs at most one scrypt', async () => {
    const keys = [generateApiKey(), generateApiKey(), generateApiKey()];
    const entries = [
      ...(await Promise.all(keys.map(async (k, i) => ({ caller: `c${i}`, hash: await hashApiKey(k, FAST), id: apiKeyId(k)! })))),
      { caller: 'own', hash: await hashApiKey('a-key-of-my-own-choosing', FAST) },
    ];
    expect(checkApiKeyEntries(entries).problems).toEqual([]);
    let hashes = 0;
    const verify = createApiKeyVerifier(entries, { onHash: () => hashes++ });
    expect(await verify(keys[2]!)).toBe('c2');
    expect(hashes).toBe(1);
    // A made-up key with a listed id: one scrypt, refused; with an unlisted id: none.
    expect(await verify(`mts_${apiKeyId(keys[0]!)}_${'A'.repeat(43)}`)).toBeNull();
    expect(hashes).toBe(2);
    expect(await verify(`mts_000000000000_${'A'.repeat(43)}`)).toBeNull();
    expect(hashes).toBe(2);
    // A key without an id is checked against the entries without one only.
    expect(await verify('a-key-of-my-own-choosing')).toBe('own');
    expect(hashes).toBe(3);
  });

  it('generates keys with a 12-hex-digit id and refuses a malformed or repeated id in the file', async () => {
    const key = generateApiKey();
    expect(key).toMatch(/^mts_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    expect(apiKeyId('a-key-of-my-own-choosing')).toBeUndefined();
    const hash = await hashApiKey(key, FAST);
    expect(checkApiKeyEntries([{ caller: 'a', hash, id: 'XYZ' }]).problems.join('\n')).toMatch(/id must be 12 hex digits/);
    expect(checkApiKeyEntries([{ caller: 'a', hash, id: apiKeyId(key) }, { caller: 'b', hash, id: apiKeyId(key) }]).problems.join('\n')).toMatch(/id is listed twice/);
  });

  it.each([
    [{}, /must be a JSON array/],
    [[], /lists no key/],
    [[{ caller: 'a' }], /entry 0 \(a\): hash is not an scrypt hash/],
    [[{ caller: 'a', hash: 'scrypt$N=1000,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }], /hash is not an scrypt hash/],
    [[{ caller: '', hash: 'x' }], /entry 0: caller must be/],
    [['text'], /entry 0: must be an object/],
  ])('refuses a keys file of %j', (value, problem) => {
    expect(checkApiKeyEntries(value).problems.join('\n')).toMatch(problem);
  });
});
