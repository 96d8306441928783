// Public API of @mts/vc: every export is named here.

// codes
export { VC_CODES, VcError } from './lib/errors.js';
export type { VcCode } from './lib/errors.js';

// reading VCs into seeder records
export { readVcs } from './lib/reader.js';
export type { ReadVcsOptions } from './lib/reader.js';
export { flattenSubject, individualId, resolveLanguageValue } from './lib/subject.js';
export { readSignedSubject } from './lib/signed-subject.js';
export { VC_DEFAULT_MAPPING } from './lib/default-mapping.js';

// proofs
export { createProofVerifier, signCredential, PROOF_TYPES } from './lib/proof.js';
export type { JwsAlg, ProofType, ProofVerifier, SignOptions } from './lib/proof.js';
export { publicKeyOf, ed25519Multibase } from './lib/keys.js';
export type { TrustedIssuer } from './lib/keys.js';
export { proofVerifyData, canonize } from './lib/canonize.js';
export { bundledDocumentLoader, BUNDLED_CONTEXT_URLS } from './lib/document-loader.js';
export type { LoadedContext } from './lib/document-loader.js';
export { MOSIP_CONTEXT_PATH, mosipContext } from './lib/contexts/mosip.js';

// the envelope part of POST authtoken/vc
export { vcInput, vcConfigSchema, vcsSchema, checkVcConfig } from './lib/envelope-part.js';
