// Public API of @mts/sftp: every export is named here.
export { uploadFile, replaceRemoteFile } from './lib/upload.js';
export type { SftpUploadTarget, UploadOptions, UploadResult, UploadSource } from './lib/upload.js';
export { openSftp } from './lib/connect.js';
export type { SftpConnectOptions, SftpSession, SftpTransportOptions } from './lib/connect.js';
export { sshFingerprint, isSshFingerprint, normalizeFingerprint } from './lib/fingerprint.js';
export { checkPrivateKey, opensshKdfRounds, MAX_KDF_ROUNDS } from './lib/keys.js';
export type { PrivateKeyProblem } from './lib/keys.js';
export { SftpError, SFTP_STATUS } from './lib/errors.js';
export type { SftpErrorCode } from './lib/errors.js';
