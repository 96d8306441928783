import { httpStatusForCode, RECORD_ERRORS } from './mts-codes.js';
import { FieldMappingError } from './errors.js';

describe('httpStatusForCode', () => {
  it.each([
    ['ATS-REQ-016', 404],
    ['ATS-REQ-017', 202],
    ['ATS-REQ-101', 200],
    ['ATS-REQ-100', 500],
    ['ATS-REQ-102', 400],
    ['ATS-REQ-103', 400],
    ['ATS-REQ-18', 400],
    ['ATS-REQ-024', 400],
    ['AUT_BAS_001', 500],
  ])('%s → %d', (code, status) => {
    expect(httpStatusForCode(code)).toBe(status);
  });
});

describe('RECORD_ERRORS', () => {
  it('holds the eleven record-validation codes, each once', () => {
    const codes = Object.values(RECORD_ERRORS).map((e) => e.code);
    expect(new Set(codes).size).toBe(11);
    expect(codes.sort()).toEqual(['003', '004', '006', '008', '009', '010', '011', '012', '013', '014', '015'].map((n) => `ATS-REQ-${n}`));
  });
});

describe('FieldMappingError', () => {
  it('carries a stable code, a retryable flag (false by default) and the cause', () => {
    const cause = new Error('inner');
    const e = new FieldMappingError('ATS-REQ-103', 'outputFormat is not a valid jq expression', { cause });
    expect(e).toBeInstanceOf(Error);
    expect([e.name, e.code, e.retryable, e.cause]).toEqual(['FieldMappingError', 'ATS-REQ-103', false, cause]);
    expect(new FieldMappingError('X', 'm', { retryable: true }).retryable).toBe(true);
  });
});
