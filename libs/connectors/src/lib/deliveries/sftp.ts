import { createSftpDeliveryPart, renderSftpFileName } from '@mts/envelope';
import { checkPrivateKey, SftpError, uploadFile, type UploadOptions } from '@mts/sftp';
import type { Delivery, DeliveryContext, DeliveryOutcome } from '../delivery.js';
import { createOutboundCheck, type OutboundPolicy } from '../outbound.js';

/**
 * What the worker may set for SFTP in `deliveryOptions.sftp` (besides `outbound`, which every delivery gets):
 * retries and backoff for network failures, a bandwidth cap.
 */
export interface SftpDeliveryOptions extends Pick<UploadOptions, 'attempts' | 'backoffBaseMs' | 'backoffMaxMs' | 'stallTimeoutSeconds' | 'maxBytesPerSecond' | 'sleep'> {
  /** Where the service may connect; default: public addresses only. */
  outbound?: OutboundPolicy;
}

/** `sftpProperties`' envelope part, with ssh2's key parser: an unusable key or passphrase is ATS-REQ-085 at submission. */
export const sftpEnvelope = createSftpDeliveryPart({ checkPrivateKey: (key, passphrase) => checkPrivateKey(key, passphrase)?.message ?? null });

/**
 * `deliverytype: sftp`: the written output (CSV, JSON or NDJSON, as stored) is streamed to
 * `<remotePath>/<fileName>.part` and renamed to `<fileName>` (replacing a file of that name), over SSH with the
 * host key pinned by `hostKeyFingerprint`. A re-run (after a crash) uploads the whole file again. Failures end the
 * request with `error_making_sftp_request` and an `SFTP_*` code; the output stays downloadable.
 *
 * @example
 * ```ts
 * const outcome = await createSftpDelivery().deliver!(ctx); // { ok: true, delivered: 1 } or { ok: false, code: 'SFTP_AUTH_FAILED', … }
 * ```
 */
export function createSftpDelivery(upload: typeof uploadFile = uploadFile): Delivery {
  return {
    deliverytype: 'sftp',
    envelope: sftpEnvelope,
    failureStatus: 'error_making_sftp_request',
    deliver: (ctx) => deliverBySftp(upload, ctx),
  };
}

/** The SFTP delivery with the real client. */
export const sftpDelivery: Delivery = createSftpDelivery();

async function deliverBySftp(upload: typeof uploadFile, ctx: DeliveryContext): Promise<DeliveryOutcome> {
  const { config, requestId } = ctx;
  const props = config.sftpProperties;
  if (!props) return { ok: false, code: 'SFTP_INVALID_OPTIONS', delivered: 0, failed: 1 };
  const { outbound, ...options } = (ctx.options ?? {}) as SftpDeliveryOptions;
  const fileName = renderSftpFileName(props.fileName, { requestId, output: config.output, requestedAt: ctx.requestedAt ?? new Date() });
  try {
    await upload({ ...props, fileName }, () => ctx.openOutput(), {
      attempts: options.attempts,
      backoffBaseMs: options.backoffBaseMs,
      backoffMaxMs: options.backoffMaxMs,
      stallTimeoutSeconds: options.stallTimeoutSeconds,
      maxBytesPerSecond: options.maxBytesPerSecond,
      sleep: options.sleep,
      allowAddress: createOutboundCheck(outbound ?? { denyPrivate: true }),
      signal: ctx.signal,
    });
    return { ok: true, delivered: 1 };
  } catch (error) {
    // The stored output could not be read: the worker's job retries, as for any store failure.
    if (error instanceof SftpError && error.code === 'SFTP_SOURCE_FAILED' && error.cause) throw error.cause;
    if (!(error instanceof SftpError)) throw error;
    return { ok: false, code: error.code, delivered: 0, failed: 1 };
  }
}
