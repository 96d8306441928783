import { AUTHENTICATOR_ENV, authenticatorConfigFromEnv } from '@mts/authenticator';
import { sandboxPartnerEnv } from './partner-env.js';

const sandbox = {
  url: 'http://127.0.0.1:1/idauthentication/v1/auth',
  partner: {
    partnerId: 'mpartner-default-auth', apiKey: 'key', mispLicenseKey: 'lk', p12Path: '/ida/partner.p12', p12Password: 'pw',
    idaPartnerCertPath: '/ida/ida-partner.crt', idaSignCertPath: '/ida/ida-sign.crt',
  },
};

it('names only variables the authenticator reads', () => {
  const known = new Set<string>(Object.values(AUTHENTICATOR_ENV));
  expect(Object.keys(sandboxPartnerEnv(sandbox)).filter((name) => !known.has(name))).toEqual([]);
});

it('reads back as the client config for the sandbox partner', () => {
  const p = sandbox.partner;
  expect(authenticatorConfigFromEnv(sandboxPartnerEnv(sandbox))).toEqual({
    idaAuthUrl: sandbox.url, partnerId: p.partnerId, apiKey: p.apiKey, mispLicenseKey: p.mispLicenseKey,
    encryptCertPath: p.idaPartnerCertPath, signP12Path: p.p12Path, signP12Password: p.p12Password,
    responseCertPath: p.idaSignCertPath,
  });
});
