import { base64StdDecodeStrict, base64UrlDecode, base64UrlEncode } from './base64url.js';
import { CryptoError } from './errors.js';

const BYTES = Buffer.from([0xfb, 0xff, 0xbf]);

describe('base64url', () => {
  it('encodes with the URL alphabet, without padding unless asked', () => {
    expect(base64UrlEncode(Buffer.from([0xfb, 0xff]))).toBe('-_8');
    expect(base64UrlEncode(Buffer.from([0xfb, 0xff]), { padding: true })).toBe('-_8=');
    expect(base64UrlEncode('a')).toBe('YQ');
    expect(base64UrlEncode(new Uint8Array(BYTES))).toBe('-_-_');
  });

  it('decodes padded and unpadded input alike', () => {
    expect(base64UrlDecode('-_8')).toEqual(Buffer.from([0xfb, 0xff]));
    expect(base64UrlDecode('-_8=')).toEqual(Buffer.from([0xfb, 0xff]));
    expect(base64UrlDecode('YQ==')).toEqual(Buffer.from('a'));
    expect(base64UrlDecode('')).toEqual(Buffer.alloc(0));
  });

  it.each(['+_8', '-/8', '-_ 8', 'YQ=', 'YQ===', 'Y', 'YQ=a', '*'])('rejects %j', (bad) => {
    expect(() => base64UrlDecode(bad)).toThrow(expect.objectContaining({ code: 'CRYPTO_INVALID_BASE64' }));
  });

  it('throws CryptoError instances that are not retryable', () => {
    try {
      base64UrlDecode('+');
      throw new Error('no throw');
    } catch (e) {
      expect(e).toBeInstanceOf(CryptoError);
      expect((e as CryptoError).retryable).toBe(false);
    }
  });
});

describe('base64StdDecodeStrict', () => {
  it('decodes standard padded base64', () => {
    expect(base64StdDecodeStrict('+/8=')).toEqual(Buffer.from([0xfb, 0xff]));
  });

  it.each(['+/8', '-_8=', '+/8=\n', 'Kw==Kw=='])('rejects %j', (bad) => {
    expect(() => base64StdDecodeStrict(bad)).toThrow(expect.objectContaining({ code: 'CRYPTO_INVALID_BASE64' }));
  });
});
