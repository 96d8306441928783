import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGuardedFetch, createOutboundCheck } from './outbound.js';

test('private, loopback, link-local and mapped addresses are refused unless allowed by host, address or range', () => {
  const check = createOutboundCheck({ denyPrivate: true, allow: ['receiver.internal', '10.9.0.0/16', 'fd12::1'] });
  for (const a of ['127.0.0.1', '10.0.0.5', '172.20.1.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', 'fe80::1', 'fc00::5', '::ffff:127.0.0.1']) {
    expect([a, check('x.example', a)]).toEqual([a, false]);
  }
  for (const a of ['8.8.8.8', '2606:4700::1111']) expect([a, check('x.example', a)]).toEqual([a, true]);
  expect(check('Receiver.Internal', '10.1.2.3')).toBe(true);
  expect(check('x.example', '10.9.200.1')).toBe(true);
  expect(check('x.example', 'fd12::1')).toBe(true);
  expect(check('x.example', 'fd12::2')).toBe(false);
  expect(createOutboundCheck({ denyPrivate: false })('x', '127.0.0.1')).toBe(true);
});

describe('createGuardedFetch over a loopback server', () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    server = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('refuses an address literal and a name that resolves to loopback, with OUTBOUND_DENIED as the cause', async () => {
    const guarded = createGuardedFetch({ denyPrivate: true });
    for (const url of [`http://127.0.0.1:${port}/`, `http://localhost:${port}/`, `http://[::ffff:127.0.0.1]:${port}/`]) {
      const error = await guarded(url).then(() => null, (e: unknown) => e as { cause?: { code?: string } });
      expect([url, error?.cause?.code]).toEqual([url, 'OUTBOUND_DENIED']);
    }
  });

  it('connects when the policy allows the address, or is off', async () => {
    const allowed = createGuardedFetch({ denyPrivate: true, allow: ['127.0.0.1', '::1'] });
    expect(await (await allowed(`http://127.0.0.1:${port}/`)).text()).toBe('ok');
    expect(await (await allowed(`http://localhost:${port}/`)).text()).toBe('ok');
    const off = createGuardedFetch({ denyPrivate: false });
    expect((await off(`http://127.0.0.1:${port}/`)).status).toBe(200);
  });
});
