// Writes docs/examples/{sample.csv,sample.json,record.json} from the demo identities a fresh sandbox holds
// (seed 1, 100 people). Run after a build: node apps/ida-sandbox/scripts/make-examples.mjs
// apps/ida-sandbox/test/examples.test.ts checks every row against a fresh sandbox.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { demoIdentities } from '@mts/ida-sandbox';

const out = join(dirname(fileURLToPath(import.meta.url)), '../../../docs/examples');
const people = demoIdentities();
const v = (list) => list[0].value;
const address = (a) => [v(a.addressLine1), v(a.addressLine2), v(a.addressLine3), v(a.city), v(a.region), v(a.province), a.postalCode].join(', ');
const row = (p, id, change = {}) => ({
  vid: id, name: v(p.attributes.fullName), gender: v(p.attributes.gender), dob: p.attributes.dateOfBirth,
  phoneNumber: p.attributes.phone, emailId: p.attributes.email, fullAddress: address(p.attributes), ...change,
});
const perpetual = (p) => p.vids.find((x) => x.type === 'Perpetual').vid;
// Valid length and Verhoeff digit, but nobody has it.
const UNKNOWN_VID = '2345678901234565';

const rows = [
  ...[0, 1, 2, 3, 4, 5, 6, 7].map((i) => row(people[i], people[i].uin)),
  ...[8, 10, 11, 12, 13, 14].map((i) => row(people[i], perpetual(people[i]))),
  row(people[15], people[15].uin, { dob: '1901/01/01' }),
  row(people[16], people[16].uin, { name: 'Someone Else' }),
  row(people[17], perpetual(people[17]), { phoneNumber: '7000000001' }),
  row(people[18], UNKNOWN_VID),
  row(people[19], perpetual(people[19]), { dob: '' }),
  row(people[20], people[20].uin, { name: `Mr. ${v(people[20].attributes.fullName).split(' ').reverse().join(' ').toUpperCase()}` }),
];
const cols = ['vid', 'name', 'gender', 'dob', 'phoneNumber', 'emailId', 'fullAddress'];
const cell = (s) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
writeFileSync(join(out, 'sample.csv'), [cols.join(','), ...rows.map((r) => cols.map((c) => cell(r[c])).join(','))].join('\n') + '\n');

const json = {
  id: 'mosip.token.seeder',
  version: '1.0',
  metadata: '',
  requesttime: '2025-01-31T10:20:30.123Z',
  request: {
    output: 'json',
    deliverytype: 'download',
    authdata: [
      row(people[21], people[21].uin),
      row(people[22], perpetual(people[22])),
      row(people[23], people[23].uin, { gender: 'Other' }),
      row(people[24], UNKNOWN_VID),
    ],
  },
};
writeFileSync(join(out, 'sample.json'), JSON.stringify(json, null, 2) + '\n');

const p = people[0];
const record = {
  vid: perpetual(p),
  name: p.attributes.fullName,
  gender: p.attributes.gender,
  dob: p.attributes.dateOfBirth,
  phoneNumber: p.attributes.phone,
  emailId: p.attributes.email,
  fullAddress: [{ language: 'eng', value: address(p.attributes) }],
};
writeFileSync(join(out, 'record.json'), JSON.stringify(record, null, 2) + '\n');
