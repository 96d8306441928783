import { HTTP_STATUS_BY_CODE, httpStatusForCode, RECORD_ERRORS } from './mts-codes.js';

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
    ['ATS-REQ-105', 413],
    ['ATS-REQ-106', 503],
    ['ATS-AUTH-001', 401],
    ['ATS-AUTH-002', 403],
    ['ATS-AUTH-003', 503],
    ['ATS-REQ-107', 405],
    ['IDA-MLC-009', 500],
  ])('%s → %d', (code, status) => {
    expect(httpStatusForCode(code)).toBe(status);
  });

  it('answers 422 for a schema error, whatever the code', () => {
    expect(httpStatusForCode('ATS-REQ-102', { schema: true })).toBe(422);
    expect(httpStatusForCode('ATS-REQ-102', { schema: false })).toBe(400);
  });

  it('is one frozen table', () => {
    expect(Object.isFrozen(HTTP_STATUS_BY_CODE)).toBe(true);
    expect(Object.keys(HTTP_STATUS_BY_CODE).sort()).toEqual(['ATS-AUTH-001', 'ATS-AUTH-002', 'ATS-AUTH-003', 'ATS-AUTH-004', 'ATS-REQ-016', 'ATS-REQ-017', 'ATS-REQ-100', 'ATS-REQ-101', 'ATS-REQ-105', 'ATS-REQ-106', 'ATS-REQ-107']);
  });
});

describe('RECORD_ERRORS', () => {
  it('holds the eleven record-validation codes, each once', () => {
    const codes = Object.values(RECORD_ERRORS).map((e) => e.code);
    expect(new Set(codes).size).toBe(11);
    expect(codes.sort()).toEqual(['003', '004', '006', '008', '009', '010', '011', '012', '013', '014', '015'].map((n) => `ATS-REQ-${n}`));
  });
});
