import { generateKeyPairSync } from 'node:crypto';
import type { SheetsStandinOptions, StandinCell } from './types.js';

/** A person for the demo sheet (the auth fields MTS maps by default). */
export interface DemoPerson {
  vid: string;
  name: string;
  gender: string;
  dob: string;
  phoneNumber?: string;
  emailId?: string;
  fullAddress?: string;
}

/** The demo's stand-in options, plus the service account key a caller puts in `sheetsconfig.auth`. */
export interface DemoSheetsData extends Pick<SheetsStandinOptions, 'spreadsheets' | 'apiKeys' | 'serviceAccounts'> {
  /** The demo API key (the public sheet `demo-people` can be read with it). */
  apiKey: string;
  /** The service account's key, in the field names of Google's JSON key file (`private_key` is PEM PKCS#8). */
  serviceAccountKey: { type: 'service_account'; client_email: string; private_key: string };
}

const HEADER = ['vid', 'name', 'gender', 'dob', 'phoneNumber', 'emailId', 'fullAddress'];
const GIVEN = ['Asha', 'Ravi', 'Meera', 'Tomas', 'Lina', 'Kofi', 'Ana', 'Yusuf'];
const FAMILY = ['Demo', 'Sample', 'Testperson', 'Example'];

/** `count` made-up people (they authenticate nowhere: pass real sandbox identities with {@link peopleFromIdentities}). */
export function syntheticPeople(count: number): DemoPerson[] {
  return Array.from({ length: count }, (_, i) => ({
    vid: String(4_100_000_000 + i * 7919),
    name: `${GIVEN[i % GIVEN.length]} ${FAMILY[i % FAMILY.length]}`,
    gender: i % 2 === 0 ? 'Female' : 'Male',
    dob: `19${70 + (i % 30)}/0${1 + (i % 9)}/1${i % 10}`,
    phoneNumber: `900000${String(i).padStart(4, '0')}`,
    emailId: `person${i}@example.org`,
    fullAddress: `${i + 1} Demo Street, Sample City`,
  }));
}

/**
 * People from an IDA sandbox identities file (`RunningSandbox.identitiesPath` of `@mts/ida-sandbox`): the active,
 * unlocked ones, with their English values, so the demo sheet's rows authenticate against the bundled sandbox.
 */
export function peopleFromIdentities(json: unknown): DemoPerson[] {
  const list = (Array.isArray(json) ? json : (json as { identities?: unknown[] })?.identities ?? []) as {
    uin: string; status?: string; demoAuthLocked?: boolean; attributes?: Record<string, unknown>;
  }[];
  const eng = (v: unknown) => (Array.isArray(v) ? (v as { language: string; value: string }[]).find((x) => x.language === 'eng')?.value : typeof v === 'string' ? v : undefined);
  return list
    .filter((i) => i.status === 'ACTIVATED' && !i.demoAuthLocked && i.attributes)
    .map((i) => {
      const a = i.attributes!;
      const address = ['addressLine1', 'addressLine2', 'addressLine3', 'city', 'region', 'province', 'postalCode'].map((k) => eng(a[k])).filter(Boolean);
      return {
        vid: i.uin,
        name: eng(a.fullName) ?? '',
        gender: eng(a.gender) ?? '',
        dob: String(a.dateOfBirth ?? ''),
        ...(typeof a.phone === 'string' ? { phoneNumber: a.phone } : {}),
        ...(typeof a.email === 'string' ? { emailId: a.email } : {}),
        fullAddress: address.join(', '),
      };
    });
}

/**
 * The demo's spreadsheets: `demo-people` (public, tab `People`, a header row then one row per person) and
 * `demo-private` (the same rows, shared only with the demo service account). The API key is `demo-api-key`; the
 * service account's key pair is made afresh at each call (RSA 2048).
 *
 * @example
 * ```ts
 * const demo = demoSheetsData(syntheticPeople(20));
 * const sheets = await startSheetsStandin(demo);
 * ```
 */
export function demoSheetsData(people: DemoPerson[] = syntheticPeople(20)): DemoSheetsData {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const clientEmail = 'mts-reader@demo-project.iam.gserviceaccount.com';
  const rows: StandinCell[][] = [HEADER, ...people.map((p) => HEADER.map((h) => (p as unknown as Record<string, string | undefined>)[h] ?? ''))];
  const sheet = () => ({ title: 'People', rows: rows.map((r) => [...r]) });
  return {
    spreadsheets: [
      { spreadsheetId: 'demo-people', title: 'Demo people', public: true, sharedWith: [clientEmail], sheets: [sheet()] },
      { spreadsheetId: 'demo-private', title: 'Demo people (private)', sharedWith: [clientEmail], sheets: [sheet()] },
    ],
    apiKeys: ['demo-api-key'],
    apiKey: 'demo-api-key',
    serviceAccounts: [{ clientEmail, publicKey: publicKey.export({ type: 'spki', format: 'pem' }) as string }],
    serviceAccountKey: { type: 'service_account', client_email: clientEmail, private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string },
  };
}
