import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import type { RequestConfig } from '@mts/envelope';
import { WebsubError, type deliverWebsub, type PublishPayload } from '@mts/websub';
import type { DeliveryContext, RecordMark } from '../delivery.js';
import { createWebsubDelivery } from './websub.js';

type Send = typeof deliverWebsub;
const hub = { hubUrl: 'http://hub.test/hub', topic: 'tokens' };

function context(config: Partial<RequestConfig>, marks: RecordMark[] = []): DeliveryContext {
  return {
    requestId: 'req-1',
    config: { output: 'json', deliverytype: 'websub', websubProperties: hub, ...config } as RequestConfig,
    openOutput: async () => Readable.from(['[{"vid":"1"}]']),
    undeliveredRows: async function* () {
      yield { lineNo: 2, row: { vid: '1' } };
      yield { lineNo: 3, row: { vid: '2' } };
    },
    mark: async (m) => {
      marks.push(m);
    },
    options: { attempts: 2, backoffBaseMs: 1, fetch: globalThis.fetch, outbound: { denyPrivate: true, allow: [] } },
  };
}

test('per record: one publish per undelivered record, each outcome marked; a denial is the code, with the hub reason', async () => {
  const marks: RecordMark[] = [];
  let seenOptions: Record<string, unknown> = {};
  const send: Send = async (_props, payload, options) => {
    seenOptions = { ...options };
    if (payload.kind !== 'records') throw new Error('unexpected payload');
    for await (const r of payload.records) {
      const result = r.key === 2 ? { key: r.key, ok: true, attempts: 1, status: 202 } : { key: r.key, ok: false, attempts: 1, status: 200, errorCode: 'WEBSUB_DENIED', reason: 'Topic [tokens] is not registered\r\n' };
      await options!.onResult!(result);
    }
    return { ok: false, delivered: 1, failed: 1, results: [] };
  };
  const outcome = await createWebsubDelivery(send).deliver!(context({}, marks));
  expect(seenOptions).toMatchObject({ attempts: 2, backoffBaseMs: 1, fetch: globalThis.fetch, keepResults: false });
  expect(seenOptions).not.toHaveProperty('outbound');
  expect(marks).toEqual([{ lineNo: 2, ok: true }, { lineNo: 3, ok: false, errorCode: 'WEBSUB_DENIED' }]);
  expect(outcome).toEqual({ ok: false, code: 'WEBSUB_DENIED: Topic [tokens] is not registered', delivered: 1, failed: 1 });
});

test('callInBulk publishes the stored output once: JSON as application/json, CSV as text/csv, NDJSON as application/x-ndjson', async () => {
  const payloads: PublishPayload[] = [];
  const send: Send = async (_props, payload) => {
    payloads.push(payload);
    return { ok: true, delivered: 1, failed: 0, results: [] };
  };
  const delivery = createWebsubDelivery(send);
  expect(await delivery.deliver!(context({ websubProperties: { ...hub, callInBulk: true } }))).toEqual({ ok: true, delivered: 1 });
  expect(await delivery.deliver!(context({ output: 'csv', websubProperties: { ...hub, callInBulk: true } }))).toEqual({ ok: true, delivered: 1 });
  expect(await delivery.deliver!(context({ output: 'ndjson', websubProperties: { ...hub, callInBulk: true } }))).toEqual({ ok: true, delivered: 1 });
  // Without callInBulk, NDJSON goes one message per record, as JSON does.
  await delivery.deliver!(context({ output: 'ndjson', websubProperties: { ...hub, callInBulk: false } }));
  expect(payloads.map((p) => (p.kind === 'bulk' ? p.contentType : p.kind))).toEqual(['application/json', 'text/csv; charset=utf-8', 'application/x-ndjson', 'records']);
  const first = payloads[0]!;
  if (first.kind !== 'bulk' || typeof first.body !== 'function') throw new Error('expected a re-openable body');
  // Each attempt re-reads the stored output.
  expect(await text(Readable.from(first.body()))).toBe('[{"vid":"1"}]');
  expect(await text(Readable.from(first.body()))).toBe('[{"vid":"1"}]');
});

test('missing or unusable properties end the delivery with a code; a failed bulk has its code', async () => {
  const never: Send = async () => {
    throw new Error('not called');
  };
  expect(await createWebsubDelivery(never).deliver!(context({ websubProperties: null }))).toEqual({ ok: false, code: 'WEBSUB_INVALID_PROPERTIES', delivered: 0, failed: 0 });
  const refusing = createWebsubDelivery(async () => {
    throw new WebsubError('WEBSUB_INVALID_PROPERTIES', 'no hub');
  });
  expect(await refusing.deliver!(context({}))).toEqual({ ok: false, code: 'WEBSUB_INVALID_PROPERTIES', delivered: 0, failed: 0 });
  const down = createWebsubDelivery(async () => ({ ok: false, delivered: 0, failed: 1, results: [{ key: 'bulk', ok: false, attempts: 2, errorCode: 'WEBSUB_TRANSPORT' }] }));
  expect(await down.deliver!(context({ websubProperties: { ...hub, callInBulk: true } }))).toEqual({ ok: false, code: 'WEBSUB_TRANSPORT', delivered: 0, failed: 1 });
});
