import { authenticatorConfigFromEnv, checkAuthenticatorEnv } from './env-config.js';

const MTS_ENV = {
  TOKENSEEDER_MOSIP_AUTH__PARTNER_ID: 'mpartner-default-auth',
  TOKENSEEDER_MOSIP_AUTH__PARTNER_APIKEY: 'k',
  TOKENSEEDER_MOSIP_AUTH__PARTNER_MISP_LK: 'lk',
  TOKENSEEDER_MOSIP_AUTH_SERVER__IDA_AUTH_URL: 'https://api-internal.example/idauthentication/v1/auth',
  TOKENSEEDER_MOSIP_AUTH_SERVER__IDA_AUTH_DOMAIN_URI: 'https://api-internal.example',
  TOKENSEEDER_CRYPTO_ENCRYPT__ENCRYPT_CERT_PATH: '/certs/ida-partner.cer',
  TOKENSEEDER_CRYPTO_SIGNATURE__SIGN_P12_FILE_PATH: '/certs/partner.p12',
  TOKENSEEDER_CRYPTO_SIGNATURE__SIGN_P12_FILE_PASSWORD: 'pw',
};

describe('authenticatorConfigFromEnv', () => {
  it("maps MTS's environment names", () => {
    expect(authenticatorConfigFromEnv(MTS_ENV)).toEqual({
      partnerId: 'mpartner-default-auth',
      apiKey: 'k',
      mispLicenseKey: 'lk',
      idaAuthUrl: 'https://api-internal.example/idauthentication/v1/auth',
      domainUri: 'https://api-internal.example',
      encryptCertPath: '/certs/ida-partner.cer',
      signP12Path: '/certs/partner.p12',
      signP12Password: 'pw',
    });
  });

  it("reads the IDA env from MTS's own name (mosip_auth.ida_auth_env), in any case", () => {
    expect(authenticatorConfigFromEnv({ ...MTS_ENV, TOKENSEEDER_MOSIP_AUTH__IDA_AUTH_ENV: 'staging' }).env).toBe('staging');
    expect(checkAuthenticatorEnv({ ...MTS_ENV, TOKENSEEDER_MOSIP_AUTH__IDA_AUTH_ENV: 'staging' })).toEqual([]);
    // Our earlier name is still read, MTS's first.
    expect(authenticatorConfigFromEnv({ ...MTS_ENV, TOKENSEEDER_MOSIP_AUTH__ENV: 'Developer' }).env).toBe('Developer');
    expect(authenticatorConfigFromEnv({ ...MTS_ENV, TOKENSEEDER_MOSIP_AUTH__ENV: 'Developer', TOKENSEEDER_MOSIP_AUTH__IDA_AUTH_ENV: 'Production' }).env).toBe('Production');
  });

  it('reads our own settings and treats empty values as unset, except an empty password', () => {
    const config = authenticatorConfigFromEnv({
      TOKENSEEDER_MOSIP_AUTH__PARTNER_ID: '',
      TOKENSEEDER_CRYPTO_SIGNATURE__SIGN_P12_FILE_PASSWORD: '',
      TOKENSEEDER_CRYPTO_SIGNATURE__RESPONSE_CERT_PATH: '/certs/ida-sign.cer',
      TOKENSEEDER_MOSIP_AUTH_SERVER__TIMEOUT_MS: '2500',
      TOKENSEEDER_MOSIP_AUTH_SERVER__MAX_RETRIES: '0',
      TOKENSEEDER_MOSIP_AUTH_SERVER__MAX_SOCKETS: ' 16 ',
      TOKENSEEDER_MOSIP_AUTH__SEND_REQUESTED_AUTH: 'TRUE',
    });
    expect(config).toEqual({
      signP12Password: '',
      responseCertPath: '/certs/ida-sign.cer',
      timeoutMs: 2500,
      maxRetries: 0,
      maxSockets: 16,
      sendRequestedAuth: true,
    });
  });

  it('names each variable that does not parse', () => {
    const attempt = () =>
      authenticatorConfigFromEnv({
        TOKENSEEDER_MOSIP_AUTH_SERVER__TIMEOUT_MS: '10s',
        TOKENSEEDER_MOSIP_AUTH__SEND_REQUESTED_AUTH: 'maybe',
      });
    expect(attempt).toThrow(expect.objectContaining({ code: 'AUT_CFG_001' }));
    expect(attempt).toThrow(/TOKENSEEDER_MOSIP_AUTH_SERVER__TIMEOUT_MS.*TOKENSEEDER_MOSIP_AUTH__SEND_REQUESTED_AUTH/);
  });
});

describe('checkAuthenticatorEnv', () => {
  it('accepts a complete MTS environment', () => {
    expect(checkAuthenticatorEnv(MTS_ENV)).toEqual([]);
  });

  it('names the missing and bad environment variables, not config keys, and echoes no value', () => {
    const { TOKENSEEDER_MOSIP_AUTH__PARTNER_APIKEY: _k, TOKENSEEDER_CRYPTO_SIGNATURE__SIGN_P12_FILE_PATH: _p, ...rest } = MTS_ENV;
    const problems = checkAuthenticatorEnv({
      ...rest,
      TOKENSEEDER_MOSIP_AUTH_SERVER__IDA_AUTH_URL: 'ftp://secret-host.example',
      TOKENSEEDER_MOSIP_AUTH__IDA_AUTH_ENV: 'Nowhere',
      TOKENSEEDER_MOSIP_AUTH_SERVER__TIMEOUT_MS: '10s',
    });
    expect(problems).toEqual([
      'TOKENSEEDER_MOSIP_AUTH_SERVER__TIMEOUT_MS must be a whole number',
      'TOKENSEEDER_MOSIP_AUTH__PARTNER_APIKEY is required',
      expect.stringMatching(/^TOKENSEEDER_MOSIP_AUTH_SERVER__IDA_AUTH_URL must match pattern/),
      'TOKENSEEDER_MOSIP_AUTH__IDA_AUTH_ENV must be one of Staging, Developer, Pre-Production, Production',
      'TOKENSEEDER_CRYPTO_SIGNATURE__SIGN_P12_FILE_PATH is required',
    ]);
    expect(problems.join('\n')).not.toMatch(/secret-host|Nowhere|apiKey|signP12Path/);
  });
});
