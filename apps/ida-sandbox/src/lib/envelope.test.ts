import { buildEnvelope, rejectionItems } from './envelope.js';
import { IdaRejection, idaErrors } from './ida-errors.js';

const now = new Date('2025-01-31T10:20:31.456Z');

describe('buildEnvelope', () => {
  it('keeps IDA field order and serialises nulls on success', () => {
    const body = buildEnvelope({ transactionID: '1234567890', now, authStatus: true, authToken: '42' });
    expect(body).toBe(
      '{"transactionID":"1234567890","version":"1.0","id":"mosip.identity.auth","errors":null,' +
        '"responseTime":"2025-01-31T10:20:31.456Z","response":{"authStatus":true,"authToken":"42"}}',
    );
  });

  it('drops the token when authStatus is false and lists errors with actionMessage only when set', () => {
    const body = buildEnvelope({
      transactionID: null,
      now,
      authStatus: false,
      authToken: '42',
      errors: [idaErrors.demoMismatch('dob'), idaErrors.demoNotAvailable('name', 'fra')],
    });
    const parsed = JSON.parse(body);
    expect(parsed.response).toEqual({ authStatus: false, authToken: null });
    expect(parsed.errors).toEqual([
      { errorCode: 'IDA-DEA-001', errorMessage: 'Demographic data dob did not match', actionMessage: 'Please re-enter your dob' },
      { errorCode: 'IDA-DEA-003', errorMessage: 'Demographic data name in fra not available in database' },
    ]);
    expect(parsed.transactionID).toBeNull();
  });
});

describe('rejectionItems', () => {
  it('wraps filter-stage errors after IDA-MLC-007', () => {
    const codes = rejectionItems(new IdaRejection('F', [idaErrors.signatureFailed()])).map((e) => e.errorCode);
    expect(codes).toEqual(['IDA-MLC-007', 'IDA-MPA-001']);
  });

  it('does not double-wrap MLC-007 and leaves controller errors alone', () => {
    expect(rejectionItems(new IdaRejection('F', [idaErrors.unableToProcess()])).map((e) => e.errorCode)).toEqual([
      'IDA-MLC-007',
    ]);
    expect(rejectionItems(new IdaRejection('C', [idaErrors.consentMissing()])).map((e) => e.errorCode)).toEqual([
      'IDA-MLC-012',
    ]);
  });
});
