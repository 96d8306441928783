import type { RequestInfo } from '@mts/store';
import { statusView } from './store-requests.js';

const info = (patch: Partial<RequestInfo>): RequestInfo =>
  ({
    id: '00aaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee',
    status: 'processed_with_errors',
    phase: 'done',
    counts: { total: 0, processed: 0, error: 0, invalid: 0 },
    lastError: null,
    createdAt: new Date('2026-01-01T00:00:00Z'),
    ...patch,
  }) as RequestInfo;

test('the status view names the code a request ended with, and nothing when there is none', () => {
  const now = new Date('2026-01-01T00:01:00Z');
  expect(statusView(info({ lastError: 'SOURCE_UNREACHABLE:ODK_NETWORK' }), now)).toEqual({
    status: 'processed_with_errors',
    counts: { total: 0, processed: 0, error: 0, invalid: 0 },
    eta: null,
    errorCode: 'SOURCE_UNREACHABLE:ODK_NETWORK',
  });
  expect(statusView(info({ status: 'processed' }), now)).not.toHaveProperty('errorCode');
});
