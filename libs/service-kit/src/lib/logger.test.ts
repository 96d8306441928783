import { Writable } from 'node:stream';
import { createServiceLogger, redact } from './logger.js';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({ write: (chunk, _enc, cb) => (lines.push(String(chunk)), cb()) });
  return { logger: createServiceLogger({ service: 'test', level: 'debug', stream }), lines };
}

describe('createServiceLogger', () => {
  it('writes JSON lines with service and scope, and no secret or identity value at any depth', () => {
    const { logger, lines } = capture();
    logger.child({ requestId: 'r-1', jobId: 'j-1' }).info('accepted', {
      headers: { authorization: 'Bearer s3cret', 'content-type': 'application/json' },
      record: { vid: '4000000001', name: 'Zorbelina Quux', dob: '1990/01/01', emailId: 'z@example.org', nested: [{ fullAddress: '1 Lane' }] },
      callbackProperties: { authOauth: { clientSecret: 'x' } },
      counts: { processed: 3 },
    });
    const entry = JSON.parse(lines[0]);
    expect(entry).toMatchObject({ level: 'info', message: 'accepted', service: 'test', requestId: 'r-1', jobId: 'j-1', counts: { processed: 3 } });
    expect(entry.headers).toEqual({ authorization: '[redacted]', 'content-type': 'application/json' });
    expect(entry.callbackProperties).toBe('[redacted]');
    for (const value of ['s3cret', '4000000001', 'Zorbelina', '1990/01/01', 'z@example.org', '1 Lane']) {
      expect(lines.join('')).not.toContain(value);
    }
  });

  it('writes nothing when silent', () => {
    const lines: string[] = [];
    const stream = new Writable({ write: (chunk, _enc, cb) => (lines.push(String(chunk)), cb()) });
    createServiceLogger({ service: 'test', silent: true, stream }).error('x', { password: 'p' });
    expect(lines).toEqual([]);
  });
});

describe('redact', () => {
  it('replaces fields by name, case-insensitively, inside arrays, and leaves other values alone', () => {
    expect(redact({ Password: 'p', list: [{ PhoneNumber: '1' }, 2], ok: 'yes', apiKey: 'k' })).toEqual({
      Password: '[redacted]',
      list: [{ PhoneNumber: '[redacted]' }, 2],
      ok: 'yes',
      apiKey: '[redacted]',
    });
  });

  it("keeps an error's name (a RangeError stays a RangeError in the log)", () => {
    const cause = { name: 'RangeError', code: undefined, message: 'Maximum call stack size exceeded', stack: 'RangeError: …' };
    expect(redact({ cause, errors: [{ name: 'ApiError', message: 'x' }] })).toEqual({ cause, errors: [{ name: 'ApiError', message: 'x' }] });
    const { logger, lines } = capture();
    logger.error('request failed', { code: 'ATS-REQ-100', cause });
    expect(JSON.parse(lines[0]).cause.name).toBe('RangeError');
  });

  it('still replaces a name wherever it is not an error name', () => {
    expect(
      redact({
        record: { name: 'Zorbelina Quux', message: 'hello', vid: '1' }, // holds a message, but is a person
        person: { name: 'Zorbelina Quux' },
        err: { name: [{ language: 'eng', value: 'Zorbelina Quux' }], message: 'x' }, // not a class name
      }),
    ).toEqual({
      record: { name: '[redacted]', message: 'hello', vid: '[redacted]' },
      person: { name: '[redacted]' },
      err: { name: '[redacted]', message: 'x' },
    });
    const { logger, lines } = capture();
    logger.info('careless', { name: 'Zorbelina Quux', nested: { deeper: { given_name: 'Zorbelina', name: 'Quux' } } });
    expect(lines.join('')).not.toMatch(/Zorbelina|Quux/);
  });
});
