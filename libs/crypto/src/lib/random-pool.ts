import { randomBytes } from 'node:crypto';

/**
 * Hands out CSPRNG bytes from a block fetched `blockSize` bytes at a time. One `randomBytes` call costs about 7 µs
 * whatever its size, so per-value nonces and session keys are far cheaper from a block. A used block is never
 * refilled (a fresh one is fetched), so a returned view keeps its bytes for as long as it is held.
 *
 * @example
 * const random = createRandomPool();
 * const nonce = random(12); // a view of 12 fresh bytes
 */
export function createRandomPool(blockSize = 4096): (size: number) => Buffer {
  let block = Buffer.alloc(0);
  let offset = 0;
  return (size: number): Buffer => {
    if (size > blockSize) return randomBytes(size);
    if (offset + size > block.length) {
      block = randomBytes(blockSize);
      offset = 0;
    }
    return block.subarray(offset, (offset += size));
  };
}
