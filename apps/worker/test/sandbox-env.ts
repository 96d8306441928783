import type { RunningSandbox } from '@mts/ida-sandbox';

/** The authenticator's MTS environment names pointed at a running sandbox (fast client retries for tests). */
export function sandboxAuthEnv(sandbox: RunningSandbox, url = sandbox.url): Record<string, string> {
  const p = sandbox.partner;
  return {
    TOKENSEEDER_MOSIP_AUTH_SERVER__IDA_AUTH_URL: url,
    TOKENSEEDER_MOSIP_AUTH__PARTNER_ID: p.partnerId,
    TOKENSEEDER_MOSIP_AUTH__PARTNER_APIKEY: p.apiKey,
    TOKENSEEDER_MOSIP_AUTH__PARTNER_MISP_LK: p.mispLicenseKey,
    TOKENSEEDER_CRYPTO_ENCRYPT__ENCRYPT_CERT_PATH: p.idaPartnerCertPath,
    TOKENSEEDER_CRYPTO_SIGNATURE__SIGN_P12_FILE_PATH: p.p12Path,
    TOKENSEEDER_CRYPTO_SIGNATURE__SIGN_P12_FILE_PASSWORD: p.p12Password,
    TOKENSEEDER_CRYPTO_SIGNATURE__RESPONSE_CERT_PATH: p.idaSignCertPath,
    TOKENSEEDER_MOSIP_AUTH_SERVER__TIMEOUT_MS: '5000',
    TOKENSEEDER_MOSIP_AUTH_SERVER__MAX_RETRIES: '1',
    TOKENSEEDER_MOSIP_AUTH_SERVER__RETRY_BASE_DELAY_MS: '20',
    TOKENSEEDER_MOSIP_AUTH_SERVER__RETRY_MAX_DELAY_MS: '50',
  };
}

/** Input records for the sandbox's identities (UIN, name, gender, dob as stored), so IDA answers with tokens. */
export function sandboxPeople(sandbox: RunningSandbox): Record<string, unknown>[] {
  return sandbox.identities.map((i) => ({
    vid: i.uin,
    name: (i.attributes.fullName as { value: string }[] | undefined)?.[0]?.value,
    gender: (i.attributes.gender as { value: string }[] | undefined)?.[0]?.value,
    dob: i.attributes.dateOfBirth,
  }));
}
