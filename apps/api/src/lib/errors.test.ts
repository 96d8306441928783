import { ApiError, httpStatusFor } from './errors.js';

describe('httpStatusFor (the one code → status table)', () => {
  it.each([
    ['ATS-REQ-016', 404],
    ['ATS-REQ-017', 202],
    ['ATS-REQ-101', 200],
    ['ATS-REQ-100', 500],
    ['ATS-REQ-105', 413],
    ['ATS-REQ-106', 503],
    ['ATS-REQ-102', 400],
    ['ATS-REQ-18', 400],
    ['ATS-REQ-103', 400],
    ['AUT_CRY_001', 500],
    ['SOMETHING', 500],
  ])('%s → %i', (code, status) => {
    expect(httpStatusFor(code)).toBe(status);
  });

  it('makes schema errors 422 whatever the code', () => {
    expect(httpStatusFor('ATS-REQ-102', { schema: true })).toBe(422);
  });

  it('lists an error and the ones that came with it', () => {
    const e = new ApiError('ATS-REQ-102', 'a', { more: [{ errorCode: 'ATS-REQ-102', errorMessage: 'b' }] });
    expect(e.entries()).toEqual([{ errorCode: 'ATS-REQ-102', errorMessage: 'a' }, { errorCode: 'ATS-REQ-102', errorMessage: 'b' }]);
    expect(e.retryable).toBe(false);
  });
});
