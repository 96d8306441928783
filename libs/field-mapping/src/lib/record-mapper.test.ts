import { createRecordMapper, MTS_AUTH_FIELDS } from './record-mapper.js';

const full = {
  vid: '4820193756',
  name: 'Asha Rao',
  gender: 'female',
  dob: '1990-04-07',
  phoneNumber: '9800000001',
  emailId: 'asha@example.org',
  fullAddress: '12 Lake Road',
};

describe('createRecordMapper: defaults', () => {
  const map = createRecordMapper();

  it('lists MTS auth fields in order', () => {
    expect(MTS_AUTH_FIELDS).toEqual(['vid', 'name', 'gender', 'dob', 'phoneNumber', 'emailId', 'fullAddress']);
  });

  it('maps a full record into the IDA input shape', () => {
    expect(map(full)).toEqual({
      ok: true,
      input: {
        vid: '4820193756',
        name: [{ language: 'eng', value: 'Asha Rao' }],
        gender: [{ language: 'eng', value: 'female' }],
        dob: '1990/04/07',
        phoneNumber: '9800000001',
        emailId: 'asha@example.org',
        fullAddress: [{ language: 'eng', value: '12 Lake Road' }],
      },
    });
  });

  it('leaves optional fields out when absent or empty', () => {
    const { phoneNumber: _p, ...rest } = full;
    const r = map({ ...rest, emailId: '' });
    expect(r.ok && Object.keys(r.input)).toEqual(['vid', 'name', 'gender', 'dob', 'fullAddress']);
  });

  it('coerces numbers and booleans to strings instead of failing', () => {
    const r = map({ ...full, vid: 4820193756, phoneNumber: 9800000001, gender: true });
    expect(r).toMatchObject({ ok: true, input: { vid: '4820193756', phoneNumber: '9800000001', gender: [{ value: 'true' }] } });
  });

  it('passes a dob in another format through unchanged', () => {
    const r = map({ ...full, dob: '07/04/1990' });
    expect(r.ok && r.input.dob).toBe('07/04/1990');
  });
});

describe('createRecordMapper: validation codes in MTS order', () => {
  const map = createRecordMapper({ mandatoryFields: MTS_AUTH_FIELDS.slice(1) });
  const cases: [string, Record<string, unknown>, string, string][] = [
    ['vid absent', { vid: undefined }, 'ATS-REQ-009', 'vid or its mapping not present'],
    ['vid empty', { vid: '' }, 'ATS-REQ-009', 'vid or its mapping not present'],
    ['vid null', { vid: null }, 'ATS-REQ-009', 'vid or its mapping not present'],
    ['name absent', { name: undefined }, 'ATS-REQ-010', 'name or its mapping not present'],
    ['name empty', { name: '' }, 'ATS-REQ-003', 'name is not provided'],
    ['gender absent', { gender: undefined }, 'ATS-REQ-011', 'gender or its mapping not present'],
    ['gender empty', { gender: '' }, 'ATS-REQ-004', 'gender is empty'],
    ['dob absent', { dob: undefined }, 'ATS-REQ-012', 'dateOfBirth or its mapping not present'],
    ['dob empty', { dob: '' }, 'ATS-REQ-006', 'date of birth is empty'],
    ['phone absent', { phoneNumber: undefined }, 'ATS-REQ-013', 'phoneNumber or its mapping not present'],
    ['email absent', { emailId: undefined }, 'ATS-REQ-014', 'emailId or its mapping not present'],
    ['address absent', { fullAddress: undefined }, 'ATS-REQ-015', 'fullAddress or its mapping not present'],
    ['address empty', { fullAddress: '' }, 'ATS-REQ-008', 'address is empty'],
    ['object value is absent', { gender: { x: 1 } }, 'ATS-REQ-011', 'gender or its mapping not present'],
  ];

  it.each(cases)('%s', (_label, patch, code, message) => {
    const record: Record<string, unknown> = { ...full, ...patch };
    for (const k of Object.keys(patch)) if (patch[k] === undefined) delete record[k];
    const r = map(record);
    expect(r).toEqual({ ok: false, vid: record.vid ? String(record.vid) : null, code, message });
  });

  it('reports only the first failure, in MTS order', () => {
    expect(map({ vid: '1', gender: '' })).toMatchObject({ code: 'ATS-REQ-010' });
    expect(map({ vid: '1', name: 'A', gender: '', dob: '' })).toMatchObject({ code: 'ATS-REQ-004' });
  });

  it('an empty mandatory phone or email passes the presence check but is not sent', () => {
    const r = map({ ...full, phoneNumber: '', emailId: '' });
    expect(r.ok && [r.input.phoneNumber, r.input.emailId]).toEqual([undefined, undefined]);
  });

  it('never puts record values in the message', () => {
    const r = createRecordMapper()({ vid: 'SECRET-VID-1', name: 'Secret Name' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).not.toMatch(/SECRET|Secret/);
  });
});

describe('createRecordMapper: options', () => {
  it('vid is mandatory even with no mandatory fields', () => {
    expect(createRecordMapper({ mandatoryFields: [] })({ name: 'A' })).toMatchObject({ code: 'ATS-REQ-009', vid: null });
    expect(createRecordMapper({ mandatoryFields: '' })({ vid: 'v1' })).toEqual({ ok: true, input: { vid: 'v1' } });
  });

  it('accepts MTS comma-separated mandatory fields, trimmed', () => {
    const map = createRecordMapper({ mandatoryFields: 'name, emailId' });
    expect(map({ vid: 'v', name: 'A' })).toMatchObject({ code: 'ATS-REQ-014' });
    expect(map({ vid: 'v', name: 'A', emailId: 'a@x.org' })).toMatchObject({ ok: true });
  });

  it('joins name and address parts, skipping empty ones, with configurable delimiters', () => {
    const mapping = { name: ['first', 'middle', 'last'], fullAddress: ['line1', 'city', 'zip'] };
    const record = { vid: 'v', first: 'Asha', middle: '', last: 'Rao', gender: 'f', dob: '1990/01/02', line1: '12 Lake Rd', city: 'Pune', zip: 411001 };
    expect(createRecordMapper({ mapping })(record)).toMatchObject({
      ok: true,
      input: { name: [{ value: 'Asha Rao' }], fullAddress: [{ value: '12 Lake Rd, Pune, 411001' }] },
    });
    expect(createRecordMapper({ mapping, nameDelimiter: '|', addressDelimiter: ';' })(record)).toMatchObject({
      input: { name: [{ value: 'Asha|Rao' }], fullAddress: [{ value: '12 Lake Rd;Pune;411001' }] },
    });
  });

  it('name is absent (010) only when no part resolves, empty (003) when all parts are empty', () => {
    const map = createRecordMapper({ mapping: { name: ['first', 'last'] }, mandatoryFields: ['name'] });
    expect(map({ vid: 'v' })).toMatchObject({ code: 'ATS-REQ-010' });
    expect(map({ vid: 'v', last: '' })).toMatchObject({ code: 'ATS-REQ-003' });
    expect(map({ vid: 'v', last: 'Rao' })).toMatchObject({ ok: true, input: { name: [{ value: 'Rao' }] } });
  });

  it('uses lang for name, gender and address', () => {
    const r = createRecordMapper({ lang: 'fra' })(full);
    expect(r.ok && [r.input.name?.[0].language, r.input.gender?.[0].language, r.input.fullAddress?.[0].language]).toEqual(['fra', 'fra', 'fra']);
  });

  it('keeps defaults for omitted mapping keys and reads nested, indexed and quoted paths', () => {
    const map = createRecordMapper({
      mapping: { vid: 'ids[0].vid', name: ['["first name"]', '"last-name"'], fullAddress: ['addr.line', 'addr.parts[1]'] },
    });
    const r = map({ ids: [{ vid: 'v9' }], 'first name': 'Asha', 'last-name': 'Rao', gender: 'f', dob: '1990-1-2', addr: { line: 'L', parts: ['x', 'Pune'] } });
    expect(r).toEqual({
      ok: true,
      input: {
        vid: 'v9',
        name: [{ language: 'eng', value: 'Asha Rao' }],
        gender: [{ language: 'eng', value: 'f' }],
        dob: '1990/01/02',
        fullAddress: [{ language: 'eng', value: 'L, Pune' }],
      },
    });
  });

  it('maps an unquoted header with spaces as a literal key', () => {
    const r = createRecordMapper({ mapping: { vid: 'Beneficiary VID' }, mandatoryFields: [] })({ 'Beneficiary VID': 'v1' });
    expect(r).toEqual({ ok: true, input: { vid: 'v1' } });
  });

  it("takes an invalid record's vid from the mapping, not the raw vid key", () => {
    const map = createRecordMapper({ mapping: { vid: 'reg.vid' } });
    expect(map({ vid: 'raw', reg: { vid: 'mapped' } })).toMatchObject({ ok: false, vid: 'mapped', code: 'ATS-REQ-010' });
  });

  it('cannot read anything beyond the record', () => {
    const map = createRecordMapper({ mapping: { vid: '$ENV.PATH', name: ['env.HOME', 'constructor'] }, mandatoryFields: [] });
    expect(map({})).toMatchObject({ ok: false, code: 'ATS-REQ-009' });
    expect(createRecordMapper({ mapping: { name: ['constructor'] } })({ vid: 'v' })).toMatchObject({ code: 'ATS-REQ-010' });
  });
});
