import type { SFTPWrapper } from 'ssh2';
import { SFTP_STATUS, SftpError } from './errors.js';

const ST_RDONLY = 1;
/** Below this many free bytes a generic write failure is taken to be a full target. */
const NEARLY_FULL_BYTES = 1024 * 1024;

/**
 * Maps a failed SFTP operation to a code. OpenSSH answers ENOSPC, EFBIG and EROFS with the generic FAILURE status,
 * so a FAILURE is diagnosed with `statvfs@openssh.com` on the target directory where the server offers it.
 */
export async function remoteError(sftp: SFTPWrapper, error: unknown, dir: string, what: string): Promise<SftpError> {
  if (error instanceof SftpError) return error;
  const code = (error as { code?: unknown })?.code;
  if (code === SFTP_STATUS.NO_SUCH_FILE) return new SftpError('SFTP_NO_SUCH_PATH', `${what}: no such file or directory on the SFTP server`, { cause: error });
  if (code === SFTP_STATUS.PERMISSION_DENIED) return new SftpError('SFTP_PERMISSION_DENIED', `${what}: permission denied on the SFTP server`, { cause: error });
  if (code === SFTP_STATUS.FAILURE) {
    const fs = await statvfs(sftp, dir);
    if (fs && (fs.flag & ST_RDONLY) !== 0) return new SftpError('SFTP_PERMISSION_DENIED', `${what}: the target file system is read-only`, { cause: error });
    if (fs && fs.bavail * fs.frsize < NEARLY_FULL_BYTES) return new SftpError('SFTP_NO_SPACE', `${what}: no space left on the target file system`, { cause: error });
    return new SftpError('SFTP_WRITE_FAILED', `${what}: the SFTP server reported a failure`, { retryable: true, cause: error });
  }
  if (typeof code === 'number') return new SftpError('SFTP_WRITE_FAILED', `${what}: the SFTP server answered status ${code}`, { cause: error });
  return new SftpError('SFTP_CONNECTION_LOST', `${what}: the SFTP connection was lost`, { retryable: true, cause: error });
}

interface StatVfs {
  bavail: number;
  frsize: number;
  flag: number;
}

function statvfs(sftp: SFTPWrapper, dir: string): Promise<StatVfs | null> {
  return new Promise((resolve) => {
    // Only a diagnosis: a server that does not answer it leaves the failure generic.
    const timer = setTimeout(() => resolve(null), 5000);
    const done = (v: StatVfs | null) => (clearTimeout(timer), resolve(v));
    try {
      sftp.ext_openssh_statvfs(dir, (error: Error | undefined, info: { f_bavail: bigint | number; f_frsize: bigint | number; f_flag: bigint | number }) =>
        done(error || !info ? null : { bavail: Number(info.f_bavail), frsize: Number(info.f_frsize), flag: Number(info.f_flag) }),
      );
    } catch {
      // the server does not offer statvfs@openssh.com
      done(null);
    }
  });
}
