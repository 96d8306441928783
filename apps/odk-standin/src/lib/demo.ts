import type { StandinForm, StandinSubmission, StandinUser } from './types.js';

/** Synthetic data for the stand-in: one user, one form, `count` submissions an hour apart. */
export interface DemoOdkData {
  users: StandinUser[];
  forms: StandinForm[];
  submissions: StandinSubmission[];
}

const GIVEN = ['Asha', 'Ravi', 'Meera', 'Tomas', 'Lina', 'Kofi', 'Ana', 'Yusuf'];
const FAMILY = ['Demo', 'Sample', 'Testperson', 'Example'];

/**
 * Deterministic synthetic submissions for form `registration` of project 1, with nested groups
 * (`person`, `contact`, `address`) and a repeat (`household`), submitted hourly from 2024-01-01T00:00Z.
 * The login is `viewer@example.org` / `demo-password`. All values are made up.
 *
 * @example
 * ```ts
 * const odk = await startOdkStandin(demoOdkData(50));
 * ```
 */
export function demoOdkData(count = 20): DemoOdkData {
  const submissions: StandinSubmission[] = [];
  for (let i = 0; i < count; i++) {
    const n = i + 1;
    submissions.push({
      projectId: 1,
      xmlFormId: 'registration',
      instanceId: `uuid:00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
      submissionDate: new Date(Date.UTC(2024, 0, 1) + i * 3600_000).toISOString(),
      fields: {
        vid: String(4_000_000_000_000_000 + n * 7919),
        person: {
          name: `${GIVEN[i % GIVEN.length]} ${FAMILY[i % FAMILY.length]}`,
          gender: i % 2 === 0 ? 'Female' : 'Male',
          dob: `19${70 + (i % 30)}-0${1 + (i % 9)}-1${i % 10}`,
        },
        contact: { phone: `900000${String(n).padStart(4, '0')}`, email: `person${n}@example.org` },
        address: { line1: `${n} Demo Street`, city: 'Sample City' },
        household: [{ member: 'Someone' }],
      },
    });
  }
  return {
    users: [{ email: 'viewer@example.org', password: 'demo-password' }],
    forms: [{ projectId: 1, xmlFormId: 'registration' }],
    submissions,
  };
}
