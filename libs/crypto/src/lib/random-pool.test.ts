import { createRandomPool } from './random-pool.js';

describe('createRandomPool', () => {
  it('returns views of the requested size that never repeat or overlap', () => {
    const random = createRandomPool(64);
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const bytes = random(12);
      expect(bytes.length).toBe(12);
      seen.add(bytes.toString('hex'));
    }
    // 1000 draws of 96 random bits: a repeat would mean reused bytes, not chance.
    expect(seen.size).toBe(1000);
  });

  it('keeps a returned view intact after its block is used up', () => {
    const random = createRandomPool(32);
    const first = random(16);
    const copy = Buffer.from(first);
    for (let i = 0; i < 10; i++) random(16);
    expect(first.equals(copy)).toBe(true);
  });

  it('serves sizes larger than a block directly', () => {
    const random = createRandomPool(16);
    const big = random(100);
    expect(big.length).toBe(100);
    expect(big.equals(Buffer.alloc(100))).toBe(false);
  });
});
