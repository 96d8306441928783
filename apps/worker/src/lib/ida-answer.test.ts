import { answerFromResult, outcomeFromError } from './ida-answer.js';

test('a token is recorded as processed', () => {
  expect(answerFromResult(2, 'v1', { authStatus: true, authToken: 'T1', errors: [] })).toEqual({ lineNo: 2, ok: true, vid: 'v1', token: 'T1' });
});

test('one IDA error is copied, several are joined under ATS-REQ-103', () => {
  const one = answerFromResult(3, 'v', { authStatus: false, errors: [{ errorCode: 'IDA-DEA-001', errorMessage: 'Demographic data name did not match' }] });
  expect(one).toMatchObject({ ok: false, errorCode: 'IDA-DEA-001', errorMessage: 'Demographic data name did not match' });
  const two = answerFromResult(3, 'v', {
    authStatus: false,
    errors: [
      { errorCode: 'IDA-DEA-001', errorMessage: 'a' },
      { errorCode: 'IDA-MLC-009', errorMessage: 'b' },
    ],
  });
  expect(two).toMatchObject({ ok: false, errorCode: 'ATS-REQ-103', errorMessage: 'IDA-DEA-001::a,IDA-MLC-009::b' });
  expect(answerFromResult(3, 'v', { authStatus: false, errors: [] })).toMatchObject({ ok: false, errorCode: 'ATS-REQ-100' });
});

test('a retryable failure stays pending; a definitive authenticator failure is AUT_BAS_001', () => {
  class AuthenticatorError extends Error {
    constructor(readonly code: string, readonly retryable: boolean) {
      super('x');
      this.name = 'AuthenticatorError';
    }
  }
  expect(outcomeFromError(1, 'v', new AuthenticatorError('AUT_BAS_001', true))).toEqual({ kind: 'transient', code: 'AUT_BAS_001' });
  expect(outcomeFromError(1, 'v', new AuthenticatorError('AUT_CRY_003', false))).toMatchObject({ kind: 'answer', answer: { errorCode: 'AUT_BAS_001' } });
  expect(outcomeFromError(1, 'v', new TypeError('bug'))).toMatchObject({ kind: 'answer', answer: { errorCode: 'ATS-REQ-100' } });
});
