import { IdaRejection } from './ida-errors.js';
import type { IdentityAttributes } from './identity.js';
import { matchDemographics, parseIdaDate } from './match.js';

const eng = (value: string) => [{ language: 'eng', value }];
const attrs: IdentityAttributes = {
  fullName: eng('Amara Okafor'),
  gender: eng('Female'),
  dateOfBirth: '1990/01/05',
  phone: '9876543210',
  email: 'amara@example.org',
  addressLine1: eng('12 Main Street'),
  addressLine2: eng('Block B'),
  city: eng('Kenitra'),
  postalCode: '14000',
};
const now = new Date('2025-06-01T00:00:00Z');
const codes = (demo: Record<string, unknown>) =>
  matchDemographics(demo, attrs, { now }).errors.map((e) => `${e.errorCode} ${e.errorMessage}`);
/** The items of the rejection matching throws (IDA throws DEA-003 and MLC-009 dob, which stops matching). */
const thrown = (demo: Record<string, unknown>) => {
  try {
    matchDemographics(demo, attrs, { now });
  } catch (e) {
    if (e instanceof IdaRejection) return [e.stage, ...e.items.map((i) => `${i.errorCode} ${i.errorMessage}`)];
    throw e;
  }
  return null;
};

describe('matchDemographics', () => {
  it('accepts a full match with IDA normalisation', () => {
    expect(
      codes({
        name: eng('Ms. OKAFOR amara'),
        gender: eng('female'),
        dob: '1990/1/5',
        phoneNumber: '9876543210',
        emailId: 'Amara@Example.org',
        fullAddress: eng('12, Main St., Block-B Kenitra 14000'),
        age: '35',
      }),
    ).toEqual([]);
  });

  it('reads the age as IDA does: a signed or non-Latin number, matched when at most the full years', () => {
    for (const age of ['+35', '٣٥', '0', '-1']) expect(codes({ age })).toEqual([]);
    for (const age of ['+36', '٣٦']) expect(codes({ age })).toEqual(['IDA-DEA-001 Demographic data age did not match']);
  });

  it('reports one error per failed attribute and language, in IDA order (DemoMatchType, then system languages)', () => {
    expect(
      codes({
        phoneNumber: '+91 9876543210',
        emailId: null,
        age: '36',
        name: eng('Amara Mensah'),
        dob: '1990/01/06',
      }),
    ).toEqual([
      'IDA-DEA-001 Demographic data name in eng did not match',
      'IDA-DEA-001 Demographic data dob did not match',
      'IDA-DEA-001 Demographic data age did not match',
      'IDA-DEA-001 Demographic data phoneNumber did not match',
    ]);
  });

  it('throws an unparsable dob (IDA-MLC-009) or a missing stored attribute (IDA-DEA-003) alone, stopping matching', () => {
    expect(thrown({ name: eng('Amara Mensah'), dob: '05-01-1990' })).toEqual([
      'B',
      'IDA-MLC-009 Invalid Input Parameter - request/demographics/dob',
    ]);
    expect(thrown({ name: [...eng('Amara Mensah'), { language: 'fra', value: 'Amara' }], dob: '1990/01/06' })).toEqual([
      'B',
      'IDA-DEA-003 Demographic data name in fra not available in database',
    ]);
    expect(thrown({ location3: eng('Kenitra') })).toEqual(['B', 'IDA-DEA-003 Demographic data location3 in eng not available in database']);
    expect(thrown({ nationality: 'X' })).toEqual(['B', 'IDA-DEA-003 Demographic data nationality not available in database']);
  });

  it('does not compare empty values; with nothing compared, authStatus is false without errors', () => {
    expect(matchDemographics({ name: eng(''), dob: '', emailId: '' }, attrs, { now })).toEqual({ authStatus: false, errors: [] });
    expect(matchDemographics({ name: eng(''), dob: '1990/01/05' }, attrs, { now })).toEqual({ authStatus: true, errors: [] });
    expect(matchDemographics({ nationality: '' }, attrs, { now })).toEqual({ authStatus: false, errors: [] });
  });

  it('parses dates strictly', () => {
    expect(parseIdaDate('1990/02/30')).toBeNull();
    expect(parseIdaDate('1990/2/3')).toBe(Date.UTC(1990, 1, 3));
  });
});

describe('matchDemographics with a stored-value cache', () => {
  it('gives the same answers on repeated calls and fills the cache', () => {
    const storedCache = new Map<string, string>();
    const demo = { name: eng('amara okafor'), fullAddress: eng('12 Main St Block B Kenitra 14000') };
    const other = { name: eng('Amara Mensah') };
    for (let i = 0; i < 2; i++) {
      expect(matchDemographics(demo, attrs, { now, storedCache })).toEqual({ authStatus: true, errors: [] });
      expect(matchDemographics(other, attrs, { now, storedCache }).errors.map((e) => e.errorCode)).toEqual(['IDA-DEA-001']);
    }
    expect(storedCache.size).toBe(2);
  });
});
