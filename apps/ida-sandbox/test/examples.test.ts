import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Authenticator } from '@mts/authenticator';
import { clientFor, startTestSandbox } from './helpers.js';

// docs/examples must name people a fresh sandbox (default seed and size) holds: each row is sent as the seeder would.
const EXAMPLES = join(__dirname, '../../../docs/examples');
const eng = (value: string) => [{ language: 'eng', value }];

function parseCsv(text: string): Record<string, string>[] {
  const [header, ...lines] = text.trim().split('\n').map((line) =>
    [...line.matchAll(/("(?:[^"]|"")*"|[^,]*)(?:,|$)/g)].slice(0, -1).map((m) => m[1]!.replace(/^"|"$/g, '').replace(/""/g, '"')),
  );
  return lines.map((cells) => Object.fromEntries(header!.map((h, i) => [h, cells[i] ?? ''])));
}

const demographicsOf = (r: Record<string, string>) => ({
  name: eng(r['name']!), gender: eng(r['gender']!), dob: r['dob'], phoneNumber: r['phoneNumber'], emailId: r['emailId'],
  fullAddress: eng(r['fullAddress']!),
});

let t: Awaited<ReturnType<typeof startTestSandbox>>;
let client: Authenticator;
beforeAll(async () => {
  t = await startTestSandbox({ identityCount: undefined });
  client = clientFor(t.sandbox);
});
afterAll(async () => {
  await client.close();
  await t.stop();
});

const codes = async (r: Record<string, string>) => {
  const res = await client.authenticate({ individualId: r['vid']!, demographics: demographicsOf(r) });
  return { codes: res.errors.map((e) => `${e.errorCode} ${e.errorMessage}`), token: res.authToken };
};

it('sample.csv: matches by UIN and VID, three mismatches, one unknown VID, one row missing dob', async () => {
  const rows = parseCsv(readFileSync(join(EXAMPLES, 'sample.csv'), 'utf8'));
  expect(rows).toHaveLength(20);
  const results = [];
  for (const r of rows) results.push(r['dob'] === '' ? null : await codes(r));
  const matched = results.filter((r) => r !== null && r.codes.length === 0);
  expect(matched).toHaveLength(15);
  expect(results.slice(14, 18).map((r) => r?.codes)).toEqual([
    ['IDA-DEA-001 Demographic data dob did not match'],
    ['IDA-DEA-001 Demographic data name in eng did not match'],
    ['IDA-DEA-001 Demographic data phoneNumber did not match'],
    ['IDA-MLC-018 VID not available in database'],
  ]);
  expect(results[18]).toBeNull();
  expect(results[19]?.codes).toEqual([]);

  const record = JSON.parse(readFileSync(join(EXAMPLES, 'record.json'), 'utf8'));
  const { vid, ...demographics } = record;
  const byVid = await client.authenticate({ individualId: vid, demographics });
  expect(byVid.authStatus).toBe(true);
  expect(byVid.authToken).toBe(results[0]?.token); // record.json is the first CSV person, by VID
});

it('sample.json: two matches, one mismatching gender, one unknown VID', async () => {
  const envelope = JSON.parse(readFileSync(join(EXAMPLES, 'sample.json'), 'utf8'));
  expect(envelope.request.output).toBe('json');
  const results = [];
  for (const r of envelope.request.authdata) results.push((await codes(r)).codes);
  expect(results).toEqual([
    [],
    [],
    ['IDA-DEA-001 Demographic data gender in eng did not match'],
    ['IDA-MLC-018 VID not available in database'],
  ]);
});
