import { Readable } from 'node:stream';
import { createRecordMapper } from '@mts/field-mapping';
import { DEMO_MAPPING, DEMO_USER, demoFormioData, startFormioStandin, type RunningFormioStandin } from '@mts/formio-standin';
import type { ParsedRecord } from '@mts/parsers';
import { createSeedValidator, sourceForStoredKind } from '../registry.js';
import { formioSource } from './formio.js';

let formio: RunningFormioStandin;
beforeAll(async () => {
  formio = await startFormioStandin(demoFormioData({ count: 8 }));
});
afterAll(() => formio.close());

async function all(records: AsyncIterable<ParsedRecord>): Promise<ParsedRecord[]> {
  const out: ParsedRecord[] = [];
  for await (const r of records) out.push(r);
  return out;
}

test('formio is registered as a pulled source for stored kind formio, with its envelope part', () => {
  expect(sourceForStoredKind('formio')).toBe(formioSource);
  expect(formioSource.intake).toEqual({ type: 'pull' });
  const { validate, schemas } = createSeedValidator();
  const envelope = (formioconfig: unknown) => ({ id: 'x', version: '1', metadata: '', requesttime: '2026-01-01T00:00:00.000Z', request: { output: 'csv', deliverytype: 'download', formioconfig } });
  expect(validate('formio', envelope({ baseurl: 'https://p.form.io', formPath: 'reg', auth: { type: 'apiKey', apiKey: 'k' } }))).toEqual([]);
  expect(validate('formio', envelope({ baseurl: 'https://p.form.io', auth: { type: 'apiKey', apiKey: 'k' } }))[0]).toMatchObject({ errorCode: 'ATS-REQ-052', httpStatus: 400 });
  expect(JSON.stringify(schemas.formio)).toContain('formioconfig');
});

test("reads through the context's fetch, and the demo mapping reaches the nested container and the grid of each submission's data", async () => {
  const seen: string[] = [];
  const spy: typeof fetch = (url, init) => {
    seen.push(new URL(String(url)).pathname);
    return fetch(url, init);
  };
  const records = await all(
    formioSource.read({
      requestId: 'r',
      inputKind: 'formio',
      config: { output: 'json', deliverytype: 'download', formioconfig: { baseurl: formio.url, formPath: 'registration', auth: { type: 'login', ...DEMO_USER }, pageSize: 3 } },
      openInput: () => Readable.from([]),
      fetch: spy,
    }),
  );
  expect(seen).toEqual(['/user/login', '/registration/submission', '/registration/submission', '/registration/submission']);
  expect(records.map((r) => r.lineNo)).toEqual([1, 2, 3, 4, 5, 7, 8]); // position 6 is a draft

  const map = createRecordMapper({ mapping: { ...DEMO_MAPPING, name: [...DEMO_MAPPING.name], fullAddress: [...DEMO_MAPPING.fullAddress] }, lang: 'eng', mandatoryFields: ['name', 'gender', 'dob', 'fullAddress'] });
  const first = records[0]!;
  if (!('data' in first)) throw new Error('expected a data record');
  const data = first.data as { vid: string; applicant: { fullName: string; gender: string; dateOfBirth: string }; addresses: Record<string, string>[] };
  const mapped = map(first.data);
  expect(mapped).toMatchObject({
    ok: true,
    input: {
      vid: data.vid,
      name: [{ language: 'eng', value: data.applicant.fullName }],
      gender: [{ language: 'eng', value: data.applicant.gender }],
      dob: data.applicant.dateOfBirth,
    },
  });
  const address = (mapped as { input: { fullAddress: { value: string }[] } }).input.fullAddress[0]!.value;
  expect(address).toContain(data.addresses[0]!.addressLine1);
  expect(address).toContain(data.addresses[0]!.city);
});
