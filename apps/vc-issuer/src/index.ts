// Public API of @mts/vc-issuer: every export is named here.
export { createVcIssuer } from './lib/issuer.js';
export type { IssuableIdentity, VcIssuer, VcIssuerOptions } from './lib/issuer.js';
