import { checkApiKeyEntries, createApiKeyVerifier, hashApiKey } from './api-keys.js';

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
