import type { RunningSandbox } from './server.js';

/**
 * The seeder's environment for a sandbox and the partner it generated: MTS's `TOKENSEEDER_*` names, the ones
 * `@mts/authenticator` reads (its `AUTHENTICATOR_ENV`). Holds secrets (API key, licence key, p12 password): hand it
 * to a child process's environment, never to a log.
 *
 * @example
 * ```ts
 * const sandbox = await startSandbox({ dataDir: '/tmp/ida' });
 * spawn(process.execPath, ['apps/worker/dist/main.js'], { env: { ...process.env, ...sandboxPartnerEnv(sandbox) } });
 * ```
 */
export function sandboxPartnerEnv(sandbox: Pick<RunningSandbox, 'url' | 'partner'>): Record<string, string> {
  const p = sandbox.partner;
  return {
    TOKENSEEDER_MOSIP_AUTH_SERVER__IDA_AUTH_URL: sandbox.url,
    TOKENSEEDER_MOSIP_AUTH__PARTNER_ID: p.partnerId,
    TOKENSEEDER_MOSIP_AUTH__PARTNER_APIKEY: p.apiKey,
    TOKENSEEDER_MOSIP_AUTH__PARTNER_MISP_LK: p.mispLicenseKey,
    TOKENSEEDER_CRYPTO_ENCRYPT__ENCRYPT_CERT_PATH: p.idaPartnerCertPath,
    TOKENSEEDER_CRYPTO_SIGNATURE__SIGN_P12_FILE_PATH: p.p12Path,
    TOKENSEEDER_CRYPTO_SIGNATURE__SIGN_P12_FILE_PASSWORD: p.p12Password,
    TOKENSEEDER_CRYPTO_SIGNATURE__RESPONSE_CERT_PATH: p.idaSignCertPath,
  };
}
