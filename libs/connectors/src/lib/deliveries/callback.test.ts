import { Readable } from 'node:stream';
import { CallbackError, type deliverCallback } from '@mts/callback';
import type { RequestConfig } from '@mts/envelope';
import type { DeliveryContext, RecordMark } from '../delivery.js';
import { createCallbackDelivery } from './callback.js';

type Send = typeof deliverCallback;

function context(config: Partial<RequestConfig>, marks: RecordMark[] = []): DeliveryContext {
  return {
    requestId: 'req-1',
    config: { output: 'json', deliverytype: 'callback', callbackProperties: { url: 'http://receiver.test/cb' }, ...config } as RequestConfig,
    openOutput: async () => Readable.from(['[{"vid":"1"}]']),
    undeliveredRows: async function* () {
      yield { lineNo: 2, row: { vid: '1' } };
      yield { lineNo: 3, row: { vid: '2' } };
    },
    mark: async (m) => {
      marks.push(m);
    },
    options: { attempts: 1 },
  };
}

test('json without callInBulk: one call per undelivered record, each outcome marked, the first failure is the code', async () => {
  const marks: RecordMark[] = [];
  let seen: { kind?: string; key?: string; attempts?: number } = {};
  const send: Send = async (_props, payload, options) => {
    seen = { kind: payload.kind, key: options?.idempotencyKey, attempts: options?.attempts };
    const results = [];
    if (payload.kind !== 'json-records') throw new Error('unexpected payload');
    for await (const r of payload.records) {
      const ok = r.key === 2;
      const result = ok ? { key: r.key, ok, attempts: 1, status: 200 } : { key: r.key, ok, attempts: 1, status: 500, errorCode: 'CALLBACK_HTTP_STATUS' };
      await options!.onResult!(result);
      results.push(result);
    }
    return { ok: false, delivered: 1, failed: 1, results: [] };
  };
  const outcome = await createCallbackDelivery(send).deliver!(context({}, marks));
  expect(seen).toEqual({ kind: 'json-records', key: 'req-1', attempts: 1 });
  expect(marks).toEqual([{ lineNo: 2, ok: true }, { lineNo: 3, ok: false, errorCode: 'CALLBACK_HTTP_STATUS' }]);
  expect(outcome).toEqual({ ok: false, code: 'CALLBACK_HTTP_STATUS', delivered: 1, failed: 1 });
});

test('csv goes as one file, json in bulk as one body; unusable properties end the delivery with their code', async () => {
  const kinds: string[] = [];
  const send: Send = async (_props, payload) => {
    kinds.push(payload.kind);
    return { ok: true, delivered: 1, failed: 0, results: [] };
  };
  const delivery = createCallbackDelivery(send);
  expect(await delivery.deliver!(context({ output: 'csv', callbackProperties: { url: 'http://r.test', callInBulk: true, requestFileName: 'f' } }))).toEqual({ ok: true, delivered: 1 });
  expect(await delivery.deliver!(context({ callbackProperties: { url: 'http://r.test', callInBulk: true } }))).toEqual({ ok: true, delivered: 1 });
  expect(kinds).toEqual(['csv', 'json-bulk']);

  const refusing = createCallbackDelivery(async () => {
    throw new CallbackError('CALLBACK_INVALID_PROPERTIES', 'no url');
  });
  expect(await refusing.deliver!(context({}))).toEqual({ ok: false, code: 'CALLBACK_INVALID_PROPERTIES', delivered: 0, failed: 0 });
  expect(await refusing.deliver!(context({ callbackProperties: null }))).toMatchObject({ ok: false, code: 'CALLBACK_INVALID_PROPERTIES' });
  // anything else (a mark that could not be written) is the caller's to retry
  const broken = createCallbackDelivery(async () => {
    throw Object.assign(new Error('database is locked'), { code: 'STORE_BUSY' });
  });
  await expect(broken.deliver!(context({}))).rejects.toMatchObject({ code: 'STORE_BUSY' });
});
