import { sandboxPartnerEnv, type RunningSandbox } from '@mts/ida-sandbox';

/** The authenticator's MTS environment names pointed at a running sandbox (fast client retries for tests). */
export function sandboxAuthEnv(sandbox: RunningSandbox, url = sandbox.url): Record<string, string> {
  return {
    ...sandboxPartnerEnv({ url, partner: sandbox.partner }),
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
