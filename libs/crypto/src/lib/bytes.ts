import { CryptoError } from './errors.js';

/** Views any Uint8Array as a Buffer without copying. */
export function toBuffer(data: Uint8Array): Buffer {
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

/** Throws `CRYPTO_INVALID_INPUT` unless `value` is a byte array of exactly `length` bytes. */
export function assertLength(name: string, value: Uint8Array, length: number): void {
  if (!(value instanceof Uint8Array) || value.length !== length) {
    throw new CryptoError('CRYPTO_INVALID_INPUT', `${name} must be ${length} bytes`);
  }
}
