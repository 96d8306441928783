import { createProofVerifier, readVcs, VC_CODES, VC_DEFAULT_MAPPING, VcError, vcInput, type ProofVerifier, type TrustedIssuer } from '@mts/vc';
import type { RequestConfig } from '@mts/envelope';
import type { InputSource } from '../source.js';

/**
 * POST authtoken/vc: MOSIP VCs in `request.vcs` (JSON body) or a multipart `vc_file` (a JSON array or NDJSON), with
 * `request.vcconfig` saying whether to verify their proofs. The worker reads each VC into a flat record (see
 * `@mts/vc`); a bad VC is an error record with its ATS-REQ-06x code and the others go on.
 */
export const vcSource: InputSource<'vc'> = {
  kind: 'vc',
  storedAs: ['vc'],
  envelope: vcInput,
  intake: {
    type: 'records-or-upload',
    records: 'vcs',
    upload: 'vc_file',
    check: (facts) => {
      if (facts.binary) return { code: VC_CODES.badUpload, message: 'Invalid Input. vc_file is not UTF-8 text' };
      if (facts.nonBlankLines === 0) return { code: VC_CODES.badUpload, message: 'Invalid Input. vc_file is empty' };
      return null;
    },
    missing: { code: VC_CODES.noVcs, message: 'Invalid Input. no VCs: send a non-empty request.vcs array, or the envelope as the multipart field request with a vc_file' },
    both: { code: VC_CODES.badUpload, message: 'Invalid Input. send the VCs either in request.vcs or as vc_file, not both' },
  },
  defaultMapping: VC_DEFAULT_MAPPING,
  read: (ctx) =>
    readVcs(ctx.openInput(), {
      lang: ctx.lang ?? ctx.config.lang ?? 'eng',
      // A caller who maps vid elsewhere may send VCs without VID/UIN.
      requireIndividualId: !ctx.config.mapping?.vid,
      ...(ctx.storedUpToLineNo ? { skipUpToLineNo: ctx.storedUpToLineNo } : {}),
      ...(ctx.config.vcconfig?.verifyProof ? { verifier: verifierFor(ctx.config) } : {}),
    }),
};

function verifierFor(config: RequestConfig): ProofVerifier {
  try {
    return createProofVerifier((config.vcconfig?.trustedIssuers ?? []) as TrustedIssuer[]);
  } catch (err) {
    // Checked at submission (ATS-REQ-061); only a request stored by an older version could get here.
    throw new VcError(VC_CODES.badConfig, 'vcconfig.trustedIssuers holds a key that cannot be read', { cause: err });
  }
}
