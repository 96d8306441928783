import { FieldMappingError } from './errors.js';

describe('FieldMappingError', () => {
  it('carries a stable code, a retryable flag (false by default) and the cause', () => {
    const cause = new Error('inner');
    const e = new FieldMappingError('ATS-REQ-103', 'outputFormat is not a valid jq expression', { cause });
    expect(e).toBeInstanceOf(Error);
    expect([e.name, e.code, e.retryable, e.cause]).toEqual(['FieldMappingError', 'ATS-REQ-103', false, cause]);
    expect(new FieldMappingError('X', 'm', { retryable: true }).retryable).toBe(true);
  });
});
