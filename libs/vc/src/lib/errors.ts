/**
 * The stable codes of `@mts/vc`. Submission codes (the envelope's `vcconfig`, the upload) and per-record codes
 * (one VC that cannot be read or whose proof fails) share MTS's `ATS-REQ-*` space, range 060–069. Once released,
 * a code never changes; messages never quote record values or keys.
 */
export const VC_CODES = {
  /** Submission: no VCs at all (`request.vcs` missing or empty, and no `vc_file`). */
  noVcs: 'ATS-REQ-060',
  /** Submission: `request.vcconfig` is unusable (verifyProof without trustedIssuers, a key that cannot be read…). */
  badConfig: 'ATS-REQ-061',
  /** Record: the line or element is not JSON, or not a JSON object. */
  notJson: 'ATS-REQ-062',
  /** Record: a JSON object without a `credentialSubject` object. */
  notCredential: 'ATS-REQ-063',
  /** Record: `credentialSubject` has neither `VID` nor `UIN`. */
  noIndividualId: 'ATS-REQ-064',
  /** Record: `verifyProof` is on and the proof is missing, malformed or does not verify (a tampered VC). */
  proofInvalid: 'ATS-REQ-065',
  /** Record: the proof's verification method (or the VC's issuer) is not among `vcconfig.trustedIssuers`. */
  untrustedIssuer: 'ATS-REQ-066',
  /** Record: a proof type or JWS algorithm this service does not verify. */
  unsupportedProof: 'ATS-REQ-067',
  /** Record: the VC names a JSON-LD context that is not bundled (none is fetched), or cannot be canonicalised. */
  contextNotBundled: 'ATS-REQ-068',
  /** Submission: `vc_file` is not UTF-8 text or is empty, or VCs were sent both in `request.vcs` and as `vc_file`. */
  badUpload: 'ATS-REQ-069',
} as const;

/** One of {@link VC_CODES}' values. */
export type VcCode = (typeof VC_CODES)[keyof typeof VC_CODES];

/**
 * A VC that cannot be used: a stable `code` (ATS-REQ-06x) and a message without record values. Thrown inside the
 * library; the reader turns it into a `{ lineNo, error }` record, so one bad VC never stops the others.
 *
 * @example
 * ```ts
 * try { await verifyCredential(vc, { trustedIssuers }); }
 * catch (e) { if (e instanceof VcError && e.code === VC_CODES.proofInvalid) markTampered(); }
 * ```
 */
export class VcError extends Error {
  override name = 'VcError';
  readonly code: VcCode;
  readonly retryable = false;

  constructor(code: VcCode, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }
}
