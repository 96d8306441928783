import { describeStartFailure } from './start-failure.js';

class TypedError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options: { cause?: unknown; problems?: string[] } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'TypedError';
    if (options.problems) Object.assign(this, { problems: options.problems });
  }
  readonly retryable = false;
}

test('a configuration error: its code, then its problems one a line, exit 2', () => {
  const error = new TypedError('ATS-CFG-001', 'invalid configuration:\n  MTS_POD_ID: must match pattern', { problems: ['MTS_POD_ID: must match pattern'] });
  expect(describeStartFailure('api', error)).toEqual({
    line: 'api failed to start: ATS-CFG-001 invalid configuration:\n  MTS_POD_ID: must match pattern',
    exitCode: 2,
  });
});

test("a typed error's message with its cause's code only: never the driver's message, the user or the URL", () => {
  const pgError = Object.assign(new Error('password authentication failed for user "mts" at postgres://mts:hunter2@db/mts'), { code: '28P01' });
  const error = new TypedError('STORE_UNAVAILABLE', 'the PostgreSQL database could not be reached or opened', { cause: pgError });
  const failure = describeStartFailure('worker', error);
  expect(failure).toEqual({ line: 'worker failed to start: STORE_UNAVAILABLE the PostgreSQL database could not be reached or opened (28P01)', exitCode: 1 });
  const dns = Object.assign(new Error('getaddrinfo ENOTFOUND db.internal'), { code: 'ENOTFOUND', syscall: 'getaddrinfo', hostname: 'db.internal' });
  const refused = new AggregateError([Object.assign(new Error('connect ECONNREFUSED ::1:5432'), { code: 'ECONNREFUSED' })]);
  expect(describeStartFailure('api', new TypedError('STORE_UNAVAILABLE', 'unreachable', { cause: dns })).line).toBe('api failed to start: STORE_UNAVAILABLE unreachable (ENOTFOUND)');
  expect(describeStartFailure('api', new TypedError('STORE_UNAVAILABLE', 'unreachable', { cause: refused })).line).toBe('api failed to start: STORE_UNAVAILABLE unreachable (ECONNREFUSED)');
});

test('a system error names the address and port, not its message', () => {
  const clash = Object.assign(new Error('listen EADDRINUSE: address already in use 0.0.0.0:9464'), { code: 'EADDRINUSE', errno: -98, syscall: 'listen', address: '0.0.0.0', port: 9464 });
  expect(describeStartFailure('worker', clash)).toEqual({ line: 'worker failed to start: EADDRINUSE listen 0.0.0.0:9464', exitCode: 1 });
});

test("an unknown error: its code or UNEXPECTED and its class name, never its message; a non-error thrown too", () => {
  const raw = Object.assign(new Error('database "alice_smith" does not exist'), { name: 'DatabaseError', code: '3D000' });
  expect(describeStartFailure('api', raw).line).toBe('api failed to start: 3D000 DatabaseError');
  expect(describeStartFailure('api', new RangeError('uin 123456789 out of range')).line).toBe('api failed to start: UNEXPECTED RangeError');
  expect(describeStartFailure('api', 'uin 123456789')).toEqual({ line: 'api failed to start: UNEXPECTED string', exitCode: 1 });
});

test('data key problems are configuration problems (exit 2) and name the settings to change', () => {
  const missing = describeStartFailure('api', new TypedError('STORE_KEY_MISSING', 'there is no data key file /srv/keys/mts.key'));
  expect(missing.exitCode).toBe(2);
  expect(missing.line).toMatch(/^api failed to start: STORE_KEY_MISSING there is no data key file \/srv\/keys\/mts.key: MTS_DATA_KEY_FILE must name an existing key file/);
  const unknown = describeStartFailure('worker', new TypedError('STORE_UNKNOWN_KEY_ID', 'the store holds data sealed under data key id 0a0b0c0d'));
  expect(unknown.exitCode).toBe(2);
  expect(unknown.line).toMatch(/MTS_DATA_KEY\b.*MTS_DATA_KEY_FILE.*MTS_DATA_KEY_PREVIOUS/);
});
