import type { FormioStandinForm, FormioStandinOptions, FormioStandinSubmission, FormioStandinUser } from './types.js';

/** One person for the demo form (synthetic). Pass the IDA sandbox's people so the demo's records authenticate. */
export interface DemoPerson {
  vid: string;
  firstName: string;
  lastName: string;
  gender: string;
  /** `yyyy/MM/dd`, as IDA stores it. */
  dob: string;
  phone?: string;
  email?: string;
  addressLine1?: string;
  addressLine2?: string;
  addressLine3?: string;
  city?: string;
  region?: string;
  province?: string;
  postalCode?: string;
}

const ADDRESS_PARTS = ['addressLine1', 'addressLine2', 'addressLine3', 'city', 'region', 'province', 'postalCode'] as const;

/** The demo project: one user, one API key, forms `registration` (with data) and `empty`, and the submissions. */
export type DemoFormioData = Required<Pick<FormioStandinOptions, 'users' | 'apiKeys' | 'forms' | 'submissions'>>;

/** The demo form's `_id` (its path is `registration`). */
export const DEMO_FORM_ID = 'f0f000000000000000000001';
/** The demo's login and API key (synthetic). */
export const DEMO_USER: Readonly<FormioStandinUser> = Object.freeze({ email: 'reader@example.org', password: 'demo-password' });
export const DEMO_API_KEY = 'demo-api-key';
/** The mapping that reads the demo form's records (paths relative to each submission's `data`). */
export const DEMO_MAPPING = Object.freeze({
  vid: 'vid',
  name: ['applicant.fullName'],
  gender: 'applicant.gender',
  dob: 'applicant.dateOfBirth',
  fullAddress: ADDRESS_PARTS.map((k) => `addresses[0].${k}`),
});

const GIVEN = ['Asha', 'Ravi', 'Meera', 'Tomas', 'Lina', 'Kofi', 'Ana', 'Yusuf'];
const FAMILY = ['Demo', 'Sample', 'Testperson', 'Example'];

/** Made-up people (they do not exist in any IDA sandbox; pass `people` for that). */
function syntheticPeople(count: number): DemoPerson[] {
  return Array.from({ length: count }, (_, i) => ({
    vid: String(4_100_000_000 + (i + 1) * 7919),
    firstName: GIVEN[i % GIVEN.length]!,
    lastName: FAMILY[i % FAMILY.length]!,
    gender: i % 2 === 0 ? 'Female' : 'Male',
    dob: `19${70 + (i % 30)}/0${1 + (i % 9)}/1${i % 10}`,
    phone: `900000${String(i + 1).padStart(4, '0')}`,
    email: `person${i + 1}@example.org`,
    addressLine1: `${i + 1} Demo Street`,
    city: 'Sample City',
  }));
}

/**
 * Deterministic demo data for the stand-in: form `registration` (`_id` {@link DEMO_FORM_ID}) with `count`
 * submissions, created an hour apart from 2024-01-01T00:00Z (every 4th shares its predecessor's `created`, so a
 * listing needs the `_id` tie-break), inserted newest first. Each has a container `applicant` (`fullName`, `gender`,
 * `dateOfBirth`), `contact`, and data grids `addresses` (`[{ addressLine1, …, city, region, province, postalCode }]`) and `household`; every 6th is a draft
 * (`state: "draft"`, half filled). People are `people` in turn (e.g. the IDA sandbox's), else made up.
 *
 * @example
 * ```ts
 * const formio = await startFormioStandin(demoFormioData({ count: 30 }));
 * ```
 */
export function demoFormioData(options: { count?: number; people?: DemoPerson[] } = {}): DemoFormioData {
  const count = options.count ?? 20;
  const people = options.people && options.people.length > 0 ? options.people : syntheticPeople(count);
  const submissions: FormioStandinSubmission[] = [];
  let hour = 0;
  for (let i = 0; i < count; i++) {
    const p = people[i % people.length]!;
    if (i % 4 !== 3) hour = i;
    const created = new Date(Date.UTC(2024, 0, 1) + hour * 3600_000).toISOString();
    const _id = `65a0${(i + 1).toString(16).padStart(20, '0')}`;
    const draft = i % 6 === 5;
    const data = draft
      ? { applicant: { firstName: p.firstName } }
      : {
          vid: p.vid,
          applicant: { firstName: p.firstName, lastName: p.lastName, fullName: [p.firstName, p.lastName].filter(Boolean).join(' '), gender: p.gender, dateOfBirth: p.dob },
          contact: { phoneNumber: p.phone ?? '', email: p.email ?? '' },
          addresses: [Object.fromEntries(ADDRESS_PARTS.flatMap((k) => (p[k] ? [[k, p[k]]] : [])))],
          household: [{ name: 'Someone Else', relation: 'sibling' }],
          consent: true,
          submit: true,
        };
    submissions.push({ _id, form: DEMO_FORM_ID, created, ...(draft ? { state: 'draft' as const } : { state: 'submitted' as const }), data });
  }
  const forms: FormioStandinForm[] = [
    { _id: DEMO_FORM_ID, path: 'registration', title: 'Registration' },
    { _id: 'f0f000000000000000000002', path: 'empty', title: 'A form without submissions' },
  ];
  return { users: [{ ...DEMO_USER }], apiKeys: [DEMO_API_KEY], forms, submissions: submissions.reverse() };
}

/**
 * The people of an IDA sandbox identities file (`identities.json`: an array, or `{ identities }`): activated,
 * demo auth not locked, with a name, gender and date of birth. `vid` is the UIN.
 */
export function peopleFromIdentities(raw: unknown): DemoPerson[] {
  const list = (Array.isArray(raw) ? raw : (raw as { identities?: unknown } | null)?.identities) as unknown[] | undefined;
  if (!Array.isArray(list)) return [];
  const eng = (v: unknown) =>
    Array.isArray(v) ? (v as { language?: string; value?: string }[]).find((x) => x.language === 'eng')?.value : typeof v === 'string' ? v : undefined;
  const out: DemoPerson[] = [];
  for (const item of list) {
    const i = item as { uin?: string; status?: string; demoAuthLocked?: boolean; attributes?: Record<string, unknown> };
    const a = i.attributes ?? {};
    const name = eng(a.fullName);
    const gender = eng(a.gender);
    if (i.status !== 'ACTIVATED' || i.demoAuthLocked || !i.uin || !name || !gender || typeof a.dateOfBirth !== 'string') continue;
    const [firstName = name, ...rest] = name.split(' ');
    out.push({
      vid: i.uin,
      firstName,
      lastName: rest.join(' '),
      gender,
      dob: a.dateOfBirth,
      ...(typeof a.phone === 'string' ? { phone: a.phone } : {}),
      ...(typeof a.email === 'string' ? { email: a.email } : {}),
      ...Object.fromEntries(ADDRESS_PARTS.flatMap((k) => (eng(a[k]) ? [[k, eng(a[k])!]] : []))),
    });
  }
  return out;
}
