import { generateId } from './id-rules.js';
import type { LangValue, SandboxIdentity, SandboxVid } from './identity.js';
import { createPrng, pick } from './prng.js';

const FEMALE = ['Amara', 'Leila', 'Sofia', 'Nadia', 'Grace', 'Ines', 'Mei', 'Zara', 'Elena', 'Fatima', 'Yara', 'Lucia'];
const MALE = ['Kofi', 'Omar', 'Luca', 'Tariq', 'Samuel', 'Hugo', 'Ravi', 'Joel', 'Karim', 'Felix', 'Arjun', 'Tomas'];
const LAST = ['Okafor', 'Haddad', 'Rossi', 'Mensah', 'Lindqvist', 'Benali', 'Tanaka', 'Novak', 'Quispe', 'Adeyemi', 'Varga', 'Keller'];
const STREETS = ['Baobab', 'Cedar', 'Harbour', 'Lantern', 'Orchard', 'Quarry', 'Willow', 'Juniper', 'Falcon', 'Tamarind'];
const KINDS = ['Street', 'Road', 'Avenue', 'Lane'];
const DISTRICTS = ['Eastgate', 'Riverside', 'Hillcrest', 'Old Town', 'Sunfield', 'Westbrook'];
const PLACES: [city: string, region: string, province: string][] = [
  ['Kenitra', 'Rabat Sale Kenitra', 'Kenitra'],
  ['Tanger', 'Tanger Tetouan', 'Tanger Assilah'],
  ['Agadir', 'Souss Massa', 'Agadir Ida Outanane'],
  ['Fes', 'Fes Meknes', 'Fes'],
];

/** Seed and size of the demo store a fresh sandbox writes when none is given. */
export const DEFAULT_SEED = 1;
export const DEFAULT_IDENTITY_COUNT = 100;

const eng = (value: string): LangValue[] => [{ language: 'eng', value }];
const pad = (n: number) => String(n).padStart(2, '0');

/**
 * The synthetic identities a fresh sandbox holds: deterministic for a seed, so docs/examples and tests can name
 * people that exist. Each has a UIN and a Perpetual VID; every 10th also a OneTimeUse VID (2 transactions); with
 * 10 or more, the last-but-two has an expired Temporary VID, the last-but-one has demo auth locked and the last is
 * deactivated. All names, numbers and addresses are made up.
 * @example const [first] = demoIdentities(); // first.uin, first.vids[0].vid, first.attributes.fullName
 */
export function demoIdentities(seed = DEFAULT_SEED, count = DEFAULT_IDENTITY_COUNT): SandboxIdentity[] {
  const rand = createPrng(seed);
  const digit = () => pick(rand, 10);
  const used = new Set<string>();
  const uniqueId = (kind: 'UIN' | 'VID') => {
    for (;;) {
      const id = generateId(kind, digit);
      if (!used.has(id)) return used.add(id), id;
    }
  };
  const out: SandboxIdentity[] = [];
  for (let i = 0; i < count; i++) {
    const female = pick(rand, 2) === 0;
    const first = (female ? FEMALE : MALE)[pick(rand, 12)]!;
    const last = LAST[pick(rand, LAST.length)]!;
    const [city, region, province] = PLACES[pick(rand, PLACES.length)]!;
    const year = 1950 + pick(rand, 56);
    const dob = `${year}/${pad(1 + pick(rand, 12))}/${pad(1 + pick(rand, 28))}`;
    const phone = `${7 + pick(rand, 3)}${Array.from({ length: 9 }, digit).join('')}`;
    const uin = uniqueId('UIN');
    const vids: SandboxVid[] = [
      { vid: uniqueId('VID'), type: 'Perpetual', transactionsLeft: null, expiresAt: null, status: 'ACTIVE' },
    ];
    if (i % 10 === 9) {
      vids.push({ vid: uniqueId('VID'), type: 'OneTimeUse', transactionsLeft: 2, expiresAt: null, status: 'ACTIVE' });
    }
    if (count >= 10 && i === count - 3) {
      // Temporary VIDs live 30 minutes; this one is long gone.
      vids.push({ vid: uniqueId('VID'), type: 'Temporary', transactionsLeft: 2, expiresAt: '2020-01-01T00:30:00.000Z', status: 'ACTIVE' });
    }
    out.push({
      uin,
      status: count >= 10 && i === count - 1 ? 'DEACTIVATED' : 'ACTIVATED',
      demoAuthLocked: count >= 10 && i === count - 2,
      vids,
      attributes: {
        fullName: eng(`${first} ${last}`),
        gender: eng(female ? 'Female' : 'Male'),
        dateOfBirth: dob,
        phone,
        email: `${first}.${last}${i}@example.org`.toLowerCase(),
        addressLine1: eng(`${1 + pick(rand, 200)} ${STREETS[pick(rand, STREETS.length)]} ${KINDS[pick(rand, KINDS.length)]}`),
        addressLine2: eng(`Block ${String.fromCharCode(65 + pick(rand, 8))}`),
        addressLine3: eng(DISTRICTS[pick(rand, DISTRICTS.length)]!),
        city: eng(city),
        region: eng(region),
        province: eng(province),
        postalCode: String(10000 + pick(rand, 89999)),
      },
    });
  }
  return out;
}
