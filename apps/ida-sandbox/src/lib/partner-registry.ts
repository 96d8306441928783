import type { AuthTokenType } from './token-id.js';

/** What PMS holds about a policy, as far as demo auth cares. */
export interface PartnerPolicy {
  policyId: string;
  status: 'ACTIVE' | 'INACTIVE';
  allowedAuthTypes: string[];
  authTokenType: AuthTokenType;
}

/** A registered auth partner. `certificateFile` is relative to the data folder. */
export interface RegisteredPartner {
  partnerId: string;
  status: 'ACTIVE' | 'DEACTIVATED';
  certificateFile: string;
  policy: PartnerPolicy;
  apiKeys: { apiKey: string; status: 'ACTIVE' | 'INACTIVE'; expiresAt: string | null }[];
}

/** `partners.json`: partners and MISP licence keys (it holds secrets; the file is 0600). */
export interface PartnerRegistry {
  partners: RegisteredPartner[];
  mispLicenseKeys: { licenseKey: string; status: 'ACTIVE' | 'BLOCKED'; expiresAt: string | null }[];
}

/** The partner a request resolved to, or the IDA error code for why it did not. */
export type PartnerCheck =
  | { ok: true; partner: RegisteredPartner }
  | { ok: false; code: 'MPA-009' | 'MPA-012' | 'MPA-018' | 'MPA-019' | 'MPA-039' };

/** IDA's partner/API-key/policy checks (PartnerServiceManager), in its order. */
export function checkPartner(registry: PartnerRegistry, partnerId: string, apiKey: string, now: number): PartnerCheck {
  const partner = registry.partners.find((p) => p.partnerId === partnerId);
  const key = partner?.apiKeys.find((k) => k.apiKey === apiKey);
  if (!partner || !key) return { ok: false, code: 'MPA-009' };
  if (partner.status !== 'ACTIVE' || key.status !== 'ACTIVE') return { ok: false, code: 'MPA-012' };
  if (!partner.policy) return { ok: false, code: 'MPA-018' };
  if (partner.policy.status !== 'ACTIVE') return { ok: false, code: 'MPA-019' };
  if (key.expiresAt !== null && Date.parse(key.expiresAt) < now) return { ok: false, code: 'MPA-039' };
  return { ok: true, partner };
}

/** IDA's MISP licence-key checks: unknown, blocked, expired. */
export function checkLicenseKey(registry: PartnerRegistry, licenseKey: string, now: number): 'ok' | 'MPA-007' | 'MPA-017' | 'MPA-008' {
  const lk = registry.mispLicenseKeys.find((k) => k.licenseKey === licenseKey);
  if (!lk) return 'MPA-007';
  if (lk.status !== 'ACTIVE') return 'MPA-017';
  if (lk.expiresAt !== null && Date.parse(lk.expiresAt) < now) return 'MPA-008';
  return 'ok';
}
