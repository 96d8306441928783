/**
 * Synthetic IDA partner settings under MTS's environment names: complete enough for a service's start-up check,
 * never used to reach an IDA (the files do not exist). Tests that call an IDA use the sandbox's settings instead.
 *
 * @example
 * loadWorkerConfig({ ...SYNTHETIC_PARTNER_ENV, MTS_DATA_DIR: dir })
 */
export const SYNTHETIC_PARTNER_ENV: Readonly<Record<string, string>> = Object.freeze({
  TOKENSEEDER_MOSIP_AUTH_SERVER__IDA_AUTH_URL: 'http://127.0.0.1:9/idauthentication/v1/auth',
  TOKENSEEDER_MOSIP_AUTH__PARTNER_ID: 'mpartner-test',
  TOKENSEEDER_MOSIP_AUTH__PARTNER_APIKEY: 'test-api-key',
  TOKENSEEDER_MOSIP_AUTH__PARTNER_MISP_LK: 'test-misp-lk',
  TOKENSEEDER_CRYPTO_ENCRYPT__ENCRYPT_CERT_PATH: '/nonexistent/ida-partner.cer',
  TOKENSEEDER_CRYPTO_SIGNATURE__SIGN_P12_FILE_PATH: '/nonexistent/partner.p12',
  TOKENSEEDER_CRYPTO_SIGNATURE__SIGN_P12_FILE_PASSWORD: 'test-password',
});
