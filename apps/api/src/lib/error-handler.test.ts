import express from 'express';
import { ApiError, type ErrorEntry } from './errors.js';
import { errorHandler } from './error-handler.js';
import { createLogger } from './logger.js';
import { listen } from '../../test/listen.js';

describe('errorHandler', () => {
  it('answers with a small JSON envelope (500 ATS-REQ-100), never Express HTML, when the error envelope cannot be sent', async () => {
    // An entry JSON.stringify cannot serialise, as a huge issue list once could not be ("Invalid string length").
    const cyclic = { errorCode: 'ATS-REQ-102', errorMessage: 'Invalid Input. x' } as ErrorEntry & { self?: unknown };
    cyclic.self = cyclic;
    const app = express();
    app.post('/boom', () => {
      throw new ApiError('ATS-REQ-102', 'Invalid Input. y', { schema: true, more: [cyclic] });
    });
    app.use(errorHandler(createLogger({ silent: true }), 1024));
    const server = await listen(app);
    try {
      const res = await fetch(`${server.url}/boom`, { method: 'POST' });
      expect(res.status).toBe(500);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      const text = await res.text();
      expect(text).not.toMatch(/<html|<pre>|at /i);
      expect(JSON.parse(text)).toMatchObject({ id: 'mosip.token.seeder', response: null, errors: [{ errorCode: 'ATS-REQ-100', errorMessage: 'Unknown error occurred' }] });
    } finally {
      await server.close();
    }
  });
});
