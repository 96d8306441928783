import { randomBytes, randomInt, type KeyObject, type X509Certificate } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  createDevCertificate, createPkcs12, generateRsaKeyPair, loadCertificate, loadPrivateKey, type RsaKeyPair,
} from '@mts/crypto';
import { DEFAULT_IDENTITY_COUNT, DEFAULT_SEED, demoIdentities } from './demo-identities.js';
import { SandboxError } from './errors.js';
import type { SandboxIdentity } from './identity.js';
import type { PartnerRegistry } from './partner-registry.js';
import { DEFAULT_SETTINGS, type IdaSettings } from './settings.js';
import type { TokenSalts } from './token-id.js';

/** File names inside the data folder. */
export const FILES = {
  idaPartnerKey: 'ida-partner.key.pem',
  idaPartnerCert: 'ida-partner.cer',
  idaSignKey: 'ida-sign.key.pem',
  idaSignCert: 'ida-sign.cer',
  authCaKey: 'auth-ca.key.pem',
  authCaCert: 'auth-ca.cer',
  partnerKey: 'partner.key.pem',
  partnerCert: 'partner.cer',
  partnerP12: 'partner.p12',
  partnerP12Password: 'partner.p12.password',
  partners: 'partners.json',
  salts: 'token-salts.json',
  settings: 'settings.json',
  identities: 'identities.json',
  vidUsage: 'vid-usage.json',
} as const;

/** A key and its certificate. */
export interface KeyAndCert {
  privateKey: KeyObject;
  certificate: X509Certificate;
}

/** Everything the sandbox loads from (or first writes into) its data folder. */
export interface SandboxMaterial {
  dir: string;
  idaPartner: KeyAndCert;
  idaSign: KeyAndCert;
  authCa: KeyAndCert;
  partnerId: string;
  p12Password: string;
  registry: PartnerRegistry;
  salts: TokenSalts;
  settings: IdaSettings;
  identities: SandboxIdentity[];
  /** Transactions left per limited VID, as used up so far (`vid-usage.json`); overrides `identities.json`. */
  vidUsage: Record<string, number>;
}

const exists = (path: string) => readFile(path).then(() => true, () => false);

async function writeSecret(path: string, data: string | Uint8Array): Promise<void> {
  await writeFile(path, data, { mode: 0o600 });
  await chmod(path, 0o600); // writeFile's mode only applies when it creates the file
}

async function readJson<T>(path: string, name: string): Promise<T> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (cause) {
    throw new SandboxError('SBX_BAD_FILE', `${name} in the data folder is not readable JSON`, { cause });
  }
}

async function keyAndCert(dir: string, keyFile: string, certFile: string, make: (kp: RsaKeyPair) => X509Certificate): Promise<KeyAndCert> {
  const keyPath = join(dir, keyFile);
  const certPath = join(dir, certFile);
  if (await exists(keyPath)) {
    try {
      return { privateKey: loadPrivateKey(await readFile(keyPath)), certificate: loadCertificate(await readFile(certPath)) };
    } catch (cause) {
      throw new SandboxError('SBX_BAD_FILE', `${keyFile} or ${certFile} in the data folder cannot be loaded`, { cause });
    }
  }
  const keyPair = await generateRsaKeyPair();
  const certificate = make(keyPair);
  await writeSecret(keyPath, keyPair.privateKey.export({ format: 'pem', type: 'pkcs8' }));
  await writeFile(certPath, certificate.toString());
  return { privateKey: keyPair.privateKey, certificate };
}

async function jsonFile<T>(dir: string, file: string, make: () => T, secret: boolean): Promise<T> {
  const path = join(dir, file);
  if (await exists(path)) return readJson<T>(path, file);
  const value = make();
  const text = JSON.stringify(value, null, 2) + '\n';
  if (secret) await writeSecret(path, text);
  else await writeFile(path, text);
  return value;
}

/**
 * Keeps `vid-usage.json` in step with VID consumption: writes are coalesced (one in flight, the latest state next)
 * so a burst of calls costs one or two writes; `flush()` waits for the last.
 */
export function createVidUsageWriter(dir: string, usage: Record<string, number>) {
  let running: Promise<void> | null = null;
  let dirty = false;
  const write = async (): Promise<void> => {
    while (dirty) {
      dirty = false;
      await writeFile(join(dir, FILES.vidUsage), JSON.stringify(usage) + '\n');
    }
  };
  return {
    record(vid: string, left: number): void {
      usage[vid] = left;
      dirty = true;
      running ??= write()
        .catch(() => undefined) // a failed write loses persistence only; answers already given stay right
        .finally(() => (running = null));
    },
    flush: async (): Promise<void> => {
      while (running) await running;
    },
  };
}

const digits = (n: number) => Array.from({ length: n }, () => randomInt(10)).join('');

/**
 * Loads the sandbox's keys, partner registry, salts, settings and identities from `dir`, generating whatever is
 * missing (keys and certificates, a partner `.p12` with a generated password, a demo identity store).
 */
export async function loadOrCreateDataDir(dir: string, opts: { identityCount?: number; seed?: number; settings?: Partial<IdaSettings> } = {}): Promise<SandboxMaterial> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
  } catch (cause) {
    throw new SandboxError('SBX_DATA_DIR', 'the data folder cannot be created', { cause });
  }
  const authCa = await keyAndCert(dir, FILES.authCaKey, FILES.authCaCert, (keyPair) =>
    createDevCertificate({ keyPair, commonName: 'IDA sandbox AUTH-domain CA', isCa: true, days: 3650 }),
  );
  const idaPartner = await keyAndCert(dir, FILES.idaPartnerKey, FILES.idaPartnerCert, (keyPair) =>
    createDevCertificate({ keyPair, commonName: 'IDA-PARTNER', organization: 'IDA sandbox', days: 3650 }),
  );
  const idaSign = await keyAndCert(dir, FILES.idaSignKey, FILES.idaSignCert, (keyPair) =>
    createDevCertificate({ keyPair, commonName: 'IDA-SIGN', organization: 'IDA sandbox', days: 3650 }),
  );
  const partnerId = 'mpartner-sandbox-auth';
  const partner = await keyAndCert(dir, FILES.partnerKey, FILES.partnerCert, (keyPair) =>
    createDevCertificate({ keyPair, commonName: partnerId, organization: 'IDA sandbox partner', days: 3650, issuer: authCa }),
  );
  let p12Password: string;
  const passwordPath = join(dir, FILES.partnerP12Password);
  if (await exists(passwordPath)) p12Password = (await readFile(passwordPath, 'utf8')).trim();
  else {
    p12Password = randomBytes(18).toString('base64url');
    await writeSecret(passwordPath, p12Password + '\n');
  }
  if (!(await exists(join(dir, FILES.partnerP12)))) {
    const p12 = createPkcs12({ ...partner, chain: [authCa.certificate], password: p12Password, friendlyName: partnerId });
    await writeSecret(join(dir, FILES.partnerP12), p12);
  }
  const registry = await jsonFile<PartnerRegistry>(dir, FILES.partners, () => ({
    partners: [
      {
        partnerId,
        status: 'ACTIVE',
        certificateFile: FILES.partnerCert,
        policy: { policyId: 'mpolicy-sandbox-auth', status: 'ACTIVE', allowedAuthTypes: ['demo', 'otp'], authTokenType: 'partner' },
        apiKeys: [
          { apiKey: digits(12), status: 'ACTIVE', expiresAt: null },
          // A second, deactivated key makes IDA-MPA-012 reachable.
          { apiKey: digits(12), status: 'INACTIVE', expiresAt: null },
        ],
      },
    ],
    mispLicenseKeys: [{ licenseKey: randomBytes(36).toString('base64url'), status: 'ACTIVE', expiresAt: null }],
  }), true);
  const salts = await jsonFile<TokenSalts>(dir, FILES.salts, () => ({
    uinSalt: randomBytes(24).toString('base64url'),
    partnerCodeSalt: randomBytes(24).toString('base64url'),
  }), true);
  const stored = await jsonFile<Partial<IdaSettings>>(dir, FILES.settings, () => DEFAULT_SETTINGS, false);
  const settings: IdaSettings = { ...DEFAULT_SETTINGS, ...stored, ...opts.settings };
  const store = await jsonFile(dir, FILES.identities, () => ({
    seed: opts.seed ?? DEFAULT_SEED,
    identities: demoIdentities(opts.seed ?? DEFAULT_SEED, opts.identityCount ?? DEFAULT_IDENTITY_COUNT),
  }), false);
  if (!Array.isArray(store.identities)) throw new SandboxError('SBX_BAD_FILE', `${FILES.identities} has no identities array`);
  const usagePath = join(dir, FILES.vidUsage);
  const vidUsage = (await exists(usagePath)) ? await readJson<Record<string, number>>(usagePath, FILES.vidUsage) : {};
  return { dir, idaPartner, idaSign, authCa, partnerId, p12Password, registry, salts, settings, identities: store.identities, vidUsage };
}
