import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** Content the subscriber received, with what it made of the signature. */
export interface ReceivedContent {
  contentType: string;
  body: string;
  /** The `X-Hub-Signature` header as sent, if any. */
  signature?: string;
  /** True when the signature is the HMAC of the body with the subscriber's secret (false without a secret or header). */
  signatureValid: boolean;
  link?: string;
}

/** Settings of {@link startTestSubscriber}. */
export interface TestSubscriberOptions {
  /** Sent as `hub.secret`; every delivery's `X-Hub-Signature` is then checked against it. */
  secret?: string;
  host?: string;
  /** The status to answer the n-th delivery (1-based) with; default 200. */
  answer?: (n: number) => number;
  /** Called for each delivery as it arrives. */
  onReceived?: (content: ReceivedContent) => void;
}

/** A running test subscriber. */
export interface TestSubscriber {
  /** Its callback URL. */
  url: string;
  received: ReceivedContent[];
  /** Intent verifications answered, and denials the hub sent (`hub.mode=denied`). */
  verifications: { mode: string; topic: string; leaseSeconds?: number }[];
  /** Subscribes at the hub; resolves once the hub answered 202 and this subscriber confirmed its intent. */
  subscribe(hubUrl: string, topic: string, options?: { leaseSeconds?: number; authToken?: string; mode?: 'subscribe' | 'unsubscribe' }): Promise<void>;
  close(): Promise<void>;
}

const ALGORITHMS: Record<string, string> = { sha1: 'sha1', sha256: 'sha256', sha384: 'sha384', sha512: 'sha512' };

/** Checks `X-Hub-Signature: <alg>=<hex>` against the HMAC of `body` with `secret`, in constant time. */
export function verifyHubSignature(secret: string, body: Buffer, header: string | undefined): boolean {
  const [alg, hex] = (header ?? '').split('=', 2);
  const algorithm = ALGORITHMS[alg?.toLowerCase() ?? ''];
  if (!algorithm || !hex || !/^[0-9a-f]+$/i.test(hex)) return false;
  const expected = createHmac(algorithm, secret).update(body).digest();
  const given = Buffer.from(hex, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * A W3C WebSub subscriber for tests and the demo: answers the hub's intent verification by echoing the challenge
 * (only for the topics it asked for), and checks the `X-Hub-Signature` of every content delivery with its secret.
 *
 * @example
 * ```ts
 * const sub = await startTestSubscriber({ secret: 'synthetic-secret' });
 * await sub.subscribe(hub.url, 'tokens');
 * // ... publish ... then: sub.received.every((r) => r.signatureValid)
 * ```
 */
export async function startTestSubscriber(options: TestSubscriberOptions = {}): Promise<TestSubscriber> {
  const received: ReceivedContent[] = [];
  const verifications: TestSubscriber['verifications'] = [];
  const wanted = new Map<string, () => void>(); // `${mode}\n${topic}` → resolves subscribe()
  const sockets = new Set<Socket>();
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://subscriber');
    if (req.method === 'GET') {
      const mode = url.searchParams.get('hub.mode') ?? '';
      const topic = url.searchParams.get('hub.topic') ?? '';
      const lease = url.searchParams.get('hub.lease_seconds');
      verifications.push({ mode, topic, ...(lease ? { leaseSeconds: Number(lease) } : {}) });
      const done = wanted.get(`${mode}\n${topic}`);
      if (mode === 'denied' || !done) return void res.writeHead(mode === 'denied' ? 200 : 404).end();
      // Confirm only what was asked for: the challenge echoed verbatim.
      res.writeHead(200, { 'content-type': 'text/plain' }).end(url.searchParams.get('hub.challenge') ?? '', () => {
        wanted.delete(`${mode}\n${topic}`);
        done();
      });
      return;
    }
    const body = await read(req);
    const signature = req.headers['x-hub-signature'] as string | undefined;
    const content: ReceivedContent = {
      contentType: String(req.headers['content-type'] ?? ''),
      body: body.toString('utf8'),
      ...(signature ? { signature } : {}),
      signatureValid: options.secret ? verifyHubSignature(options.secret, body, signature) : false,
      ...(req.headers.link ? { link: String(req.headers.link) } : {}),
    };
    received.push(content);
    options.onReceived?.(content);
    res.writeHead(options.answer?.(received.length) ?? 200).end();
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, options.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://${options.host ?? '127.0.0.1'}:${port}/websub/callback`;

  return {
    url,
    received,
    verifications,
    async subscribe(hubUrl, topic, sub = {}) {
      const mode = sub.mode ?? 'subscribe';
      const confirmed = new Promise<void>((resolve) => wanted.set(`${mode}\n${topic}`, resolve));
      const form = new URLSearchParams({ 'hub.mode': mode, 'hub.topic': topic, 'hub.callback': url });
      if (sub.leaseSeconds !== undefined) form.set('hub.lease_seconds', String(sub.leaseSeconds));
      if (options.secret && mode === 'subscribe') form.set('hub.secret', options.secret);
      const res = await fetch(hubUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...(sub.authToken ? { cookie: `Authorization=${sub.authToken}` } : {}) },
        body: form,
      });
      const reply = await res.text();
      if (res.status !== 202) {
        wanted.delete(`${mode}\n${topic}`);
        throw new Error(`the hub refused the ${mode} (HTTP ${res.status}): ${reply}`);
      }
      await confirmed;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}

function read(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c)).on('end', () => resolve(Buffer.concat(parts))).on('error', reject);
  });
}
