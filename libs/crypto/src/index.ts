// Public API of @mts/crypto: every export is named here.
export { CryptoError } from './lib/errors.js';
export type { CryptoErrorCode } from './lib/errors.js';
export { base64UrlEncode, base64UrlDecode, base64StdDecodeStrict } from './lib/base64url.js';
export type { Base64UrlEncodeOptions } from './lib/base64url.js';
export { sha256, sha256UpperHex, certificateThumbprint, decodeThumbprint } from './lib/hash.js';
export { aesGcmEncrypt, aesGcmDecrypt, AES_KEY_LENGTH, GCM_NONCE_LENGTH, GCM_TAG_LENGTH } from './lib/aes-gcm.js';
export { rsaOaepWrap, rsaOaepUnwrap, rsaOaepUnwrapAsync } from './lib/rsa-oaep.js';
export { createJwsSigner, signDetachedJws, verifyDetachedJws, verifyRs256 } from './lib/jws.js';
export type { JwsHeader, JwsSigner, JwsSignerOptions, VerifyJwsOptions, VerifiedJws } from './lib/jws.js';
export { loadPkcs12, loadCertificate, loadPrivateKey, loadPublicKey } from './lib/keys.js';
export type { KeyMaterial } from './lib/keys.js';
export { createRandomPool } from './lib/random-pool.js';
export { generateRsaKeyPair, createDevCertificate, createPkcs12 } from './lib/dev-keys.js';
export type { RsaKeyPair, DevCertificateOptions, Pkcs12Options } from './lib/dev-keys.js';
