import { Writable } from 'node:stream';
import winston from 'winston';
import { createLogger } from './logger.js';

function capture() {
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug' });
  logger.clear();
  logger.add(new winston.transports.Stream({ stream: new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) }) }));
  return { logger, lines };
}

describe('createLogger', () => {
  it('writes JSON lines with the request id and redacts secrets and identity fields at any depth', () => {
    const { logger, lines } = capture();
    logger.info('accepted', {
      requestId: '00abcdef-0000-4000-8000-000000000000',
      headers: { authorization: 'Bearer s3cret', cookie: 'session_id=abc', 'content-type': 'application/json' },
      record: { vid: '4000000001', name: 'Zorbelina Quux', dob: '1990/01/01', emailId: 'z@example.org', nested: [{ fullAddress: '1 Lane' }] },
      callbackProperties: { authOauth: { clientSecret: 'x' } },
    });
    const entry = JSON.parse(lines[0]);
    expect(entry).toMatchObject({ level: 'info', message: 'accepted', requestId: '00abcdef-0000-4000-8000-000000000000', service: 'api' });
    expect(entry.headers).toEqual({ authorization: '[redacted]', cookie: '[redacted]', 'content-type': 'application/json' });
    const text = lines.join('');
    for (const secret of ['s3cret', 'session_id=abc', '4000000001', 'Zorbelina', '1990/01/01', 'z@example.org', '1 Lane', 'clientSecret']) {
      expect(text).not.toContain(secret);
    }
  });
});
