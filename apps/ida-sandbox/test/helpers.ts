import { createTempDir, type TempDir } from '@mts/testing';
import { createAuthenticator, type Authenticator, type AuthenticatorConfig } from '@mts/authenticator';
import { startSandbox, type RunningSandbox, type SandboxOptions } from '../src/index.js';

/** A sandbox on a fresh data folder, and a cleanup that closes it and removes the folder. */
export async function startTestSandbox(options: Partial<SandboxOptions> = {}): Promise<{
  sandbox: RunningSandbox;
  dir: TempDir;
  stop(): Promise<void>;
}> {
  const dir = await createTempDir('ida-sandbox-');
  const sandbox = await startSandbox({ dataDir: dir.path, identityCount: 20, ...options });
  return {
    sandbox,
    dir,
    async stop() {
      await sandbox.close();
      await dir.remove();
    },
  };
}

/** An authenticator configured from what the sandbox generated. */
export function clientFor(sandbox: RunningSandbox, extra: Partial<AuthenticatorConfig> = {}): Authenticator {
  const p = sandbox.partner;
  return createAuthenticator({
    idaAuthUrl: sandbox.url,
    partnerId: p.partnerId,
    apiKey: p.apiKey,
    mispLicenseKey: p.mispLicenseKey,
    encryptCertPath: p.idaPartnerCertPath,
    signP12Path: p.p12Path,
    signP12Password: p.p12Password,
    responseCertPath: p.idaSignCertPath,
    timeoutMs: 5000,
    retryBaseDelayMs: 5,
    retryMaxDelayMs: 20,
    ...extra,
  });
}
