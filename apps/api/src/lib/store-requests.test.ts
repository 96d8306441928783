import type { RequestInfo, Store } from '@mts/store';
import { createStoreRequests, statusView } from './store-requests.js';

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

test('recent requests come newest first, as many as asked, with no PII', async () => {
  const stored = [1, 2, 3].map((n) =>
    info({
      id: `00aaaaaa-bbbb-4ccc-8ddd-00000000000${n}`, inputKind: 'csv', output: 'json', deliverytype: 'download',
      createdAt: new Date(`2026-01-0${n}T00:00:00Z`), finishedAt: n === 3 ? null : new Date(`2026-01-0${n}T00:05:00Z`),
      counts: { total: n, processed: n, error: 0, invalid: 0 },
    }),
  );
  let asked: unknown;
  const store = { listRequests: async (filter: unknown) => ((asked = filter), stored) } as unknown as Store;
  const recent = await createStoreRequests(store).list!({ limit: 2 });
  expect(asked).toMatchObject({ phase: ['new', 'ingesting', 'processing', 'delivering', 'done'] });
  expect(recent).toEqual([
    { requestId: stored[2]!.id, status: 'processed_with_errors', inputKind: 'csv', output: 'json', deliverytype: 'download', counts: { total: 3, processed: 3, error: 0, invalid: 0 }, createdAt: '2026-01-03T00:00:00.000Z', finishedAt: null },
    { requestId: stored[1]!.id, status: 'processed_with_errors', inputKind: 'csv', output: 'json', deliverytype: 'download', counts: { total: 2, processed: 2, error: 0, invalid: 0 }, createdAt: '2026-01-02T00:00:00.000Z', finishedAt: '2026-01-02T00:05:00.000Z' },
  ]);
});
