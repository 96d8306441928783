import { AuthenticatorError } from './errors.js';
import { failedRecordOutcome, recordOutcome } from './record-outcome.js';

test('an IDA answer becomes a token, its one error, several joined as ATS-REQ-103, or ATS-REQ-100 for none', () => {
  expect(recordOutcome({ authStatus: true, authToken: 'tok', errors: [] })).toEqual({ ok: true, token: 'tok' });
  expect(recordOutcome({ authStatus: false, errors: [{ errorCode: 'IDA-MLC-009', errorMessage: 'm' }] })).toEqual({ ok: false, errorCode: 'IDA-MLC-009', errorMessage: 'm' });
  expect(recordOutcome({ authStatus: false, errors: [{ errorCode: 'A', errorMessage: 'x' }, { errorCode: 'B', errorMessage: 'y' }] })).toEqual({ ok: false, errorCode: 'ATS-REQ-103', errorMessage: 'A::x,B::y' });
  expect(recordOutcome({ authStatus: true, errors: null })).toMatchObject({ ok: false, errorCode: 'ATS-REQ-100' });
});

test('a thrown authenticator error is AUT_BAS_001, anything else ATS-REQ-100', () => {
  expect(failedRecordOutcome(new AuthenticatorError('AUT_CRY_001', 'bad key'))).toMatchObject({ errorCode: 'AUT_BAS_001' });
  expect(failedRecordOutcome(new Error('boom'))).toMatchObject({ errorCode: 'ATS-REQ-100', errorMessage: 'Unknown error' });
});
