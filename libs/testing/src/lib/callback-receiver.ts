import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createSign, createVerify, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import type { AddressInfo } from 'node:net';

/** One call the receiver got. `body` is parsed JSON, or for multipart the file parts. */
export interface ReceivedCall {
  path: string;
  method: string;
  headers: Record<string, string | string[] | undefined>;
  status: number;
  body: unknown;
  files?: { field: string; filename: string; content: string }[];
  /** On an Odoo route: the JSON-RPC error code answered with the 200 (100 session expired, 200 server error), if any. */
  rpcError?: number;
}

export interface CallbackReceiverOptions {
  /** OAuth client credentials and user accepted by POST /oauth/token. */
  oauth?: { clientId: string; clientSecret: string; username?: string; password?: string; expiresIn?: number };
  /** Odoo login accepted by POST /web/session/authenticate. */
  odoo?: { database: string; login: string; password: string };
  /** How many calls to /callback/post/flaky/noauth fail with 503 before it succeeds. */
  flakyFailures?: number;
  /**
   * Answer this many /callback/post/* calls, then hold every later one unanswered until release(): the sender
   * hangs mid-delivery, where a test can kill it. A held call whose sender hangs up is dropped, not in `calls`.
   */
  holdAfter?: number;
}

export interface CallbackReceiver {
  url: string;
  calls: ReceivedCall[];
  /** Calls to the token / login endpoints. */
  logins: { oauth: number; odoo: number; odooLogouts: number };
  /** Callback calls held now (see `holdAfter`). */
  readonly held: number;
  /** Stops holding: held calls whose sender is still there are answered, later ones as they come. */
  release(): void;
  /** Ends every Odoo session, as an Odoo restart or a session purge does: the next call with one is refused. */
  expireOdooSessions(): void;
  close(): Promise<void>;
}

/**
 * A callback receiver for tests, mirroring MTS's callback tester: POST /callback/post/{json|ndjson|csv}/{noauth|oauth|odoo}
 * answers 200 (400 for a wrong content type, 403 for a bad RS256 JWT), /callback/post/failure/noauth 500,
 * /callback/post/flaky/noauth 503 a few times then 200; plus an OAuth token endpoint (/oauth/token) and an Odoo
 * session endpoint (/web/session/authenticate, /web/session/logout). With `holdAfter` it stops answering mid-delivery.
 *
 * The `/odoo` routes answer as Odoo does (integrations §3), never with 401/403: json and ndjson are `type='json'`
 * routes, so a missing or expired session gets HTTP 200 with a JSON-RPC error (code 100 "Odoo Session Expired") and
 * success a JSON-RPC `result`; csv is a `type='http'` route, so no session gets a 303 to /web/login;
 * /callback/post/failure/odoo gets HTTP 200 with a JSON-RPC error code 200 (a controller's exception).
 *
 * @example const rx = await startCallbackReceiver({ oauth: { clientId: 'c', clientSecret: 's' } }); … await rx.close();
 */
export async function startCallbackReceiver(options: CallbackReceiverOptions = {}): Promise<CallbackReceiver> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const sessions = new Set<string>();
  const calls: ReceivedCall[] = [];
  const logins = { oauth: 0, odoo: 0, odooLogouts: 0 };
  let flaky = options.flakyFailures ?? 2;
  let admitted = 0;
  let holding = options.holdAfter !== undefined;
  const waiting = new Set<() => void>();

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readAll(req);
    const path = (req.url ?? '/').split('?')[0];
    const type = String(req.headers['content-type'] ?? '');
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    if (path === '/oauth/token') {
      logins.oauth++;
      const form = new URLSearchParams(raw.toString('utf8'));
      const o = options.oauth;
      const grant = form.get('grant_type');
      const clientOk = o && form.get('client_id') === o.clientId && form.get('client_secret') === o.clientSecret;
      const userOk = grant === 'client_credentials' || (o?.username && form.get('username') === o.username && form.get('password') === o.password);
      if (!clientOk || !userOk || (grant !== 'password' && grant !== 'client_credentials')) {
        return reply(401, { error: 'invalid_client', error_description: 'client authentication failed' });
      }
      const expiresIn = o.expiresIn ?? 300;
      return reply(200, { access_token: signJwt(privateKey, { sub: form.get('username') ?? o.clientId, exp: Math.floor(Date.now() / 1000) + expiresIn }), token_type: 'Bearer', expires_in: expiresIn });
    }
    if (path === '/web/session/authenticate') {
      logins.odoo++;
      const rpc = safeJson(raw) as { id?: unknown; params?: { db?: string; login?: string; password?: string } } | null;
      const o = options.odoo;
      const p = rpc?.params;
      if (!o || !p || p.db !== o.database || p.login !== o.login || p.password !== o.password) {
        return reply(200, { jsonrpc: '2.0', id: rpc?.id ?? null, error: { code: 200, message: 'Odoo Server Error', data: { name: 'odoo.exceptions.AccessDenied', message: 'Access Denied' } } });
      }
      const sid = randomBytes(20).toString('hex');
      sessions.add(sid);
      return reply(200, { jsonrpc: '2.0', id: rpc!.id ?? null, result: { uid: 2, db: o.database } }, { 'set-cookie': `session_id=${sid}; HttpOnly; Path=/` });
    }
    if (path === '/web/session/logout') {
      logins.odooLogouts++;
      const sid = cookieSession(req);
      if (sid) sessions.delete(sid);
      res.writeHead(303, { location: '/web' });
      return void res.end();
    }
    const m = /^\/callback\/post\/(json|ndjson|csv|failure|flaky)\/(noauth|oauth|odoo)$/.exec(path);
    if (!m) return reply(404, { detail: 'Not Found' });
    const [, kind, auth] = m;
    if (holding && admitted >= options.holdAfter!) {
      const answered = await new Promise<boolean>((resolve) => {
        const go = () => resolve(true);
        waiting.add(go);
        res.once('close', () => {
          waiting.delete(go);
          resolve(false);
        });
      });
      if (!answered || res.destroyed) return;
    }
    admitted++;
    // Odoo's type='json' routes wrap the answer in JSON-RPC, errors included, always with HTTP 200.
    const jsonRpc = auth === 'odoo' && kind !== 'csv';
    const record = (status: number, body: unknown, files?: ReceivedCall['files']) => {
      calls.push({ path, method: req.method ?? '', headers: req.headers, status, body, files });
      reply(status, jsonRpc ? { jsonrpc: '2.0', id: null, result: { status } } : { status });
    };
    const rpcError = (code: 100 | 200, name: string, message: string) => {
      calls.push({ path, method: req.method ?? '', headers: req.headers, status: 200, body: null, rpcError: code });
      reply(200, { jsonrpc: '2.0', id: null, error: { code, message: code === 100 ? 'Odoo Session Expired' : 'Odoo Server Error', data: { name, message, arguments: [message], context: {} } } });
    };
    if (auth === 'odoo' && !sessions.has(cookieSession(req) ?? '')) {
      if (jsonRpc) return rpcError(100, 'odoo.http.SessionExpiredException', 'Session expired');
      calls.push({ path, method: req.method ?? '', headers: req.headers, status: 303, body: null });
      res.writeHead(303, { location: `/web/login?redirect=${encodeURIComponent(path)}` });
      return void res.end();
    }
    if (kind === 'failure') return jsonRpc ? rpcError(200, 'odoo.exceptions.ValidationError', 'The record was refused') : record(500, safeJson(raw));
    if (kind === 'flaky') return flaky-- > 0 ? record(503, safeJson(raw)) : record(200, safeJson(raw));
    if (auth === 'oauth' && !verifyBearer(publicKey, req.headers.authorization)) return record(403, null);
    if (kind === 'json') return type.startsWith('application/json') ? record(200, safeJson(raw)) : record(400, null);
    // NDJSON output in bulk: the body is kept as its records, one per line.
    if (kind === 'ndjson') {
      if (!type.startsWith('application/x-ndjson')) return record(400, null);
      return record(200, raw.toString('utf8').split('\n').filter((l) => l !== '').map((l) => safeJson(Buffer.from(l))));
    }
    if (!type.startsWith('multipart/form-data')) return record(400, null);
    const form = await new Response(raw, { headers: { 'content-type': type } }).formData();
    const files: NonNullable<ReceivedCall['files']> = [];
    for (const [field, value] of form.entries()) {
      if (typeof value !== 'string') files.push({ field, filename: (value as File).name, content: await value.text() });
    }
    return record(200, null, files);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    logins,
    get held() {
      return waiting.size;
    },
    release() {
      holding = false;
      for (const go of [...waiting]) go();
      waiting.clear();
    },
    expireOdooSessions() {
      sessions.clear();
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function safeJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return null;
  }
}

function cookieSession(req: IncomingMessage): string | null {
  const match = /(?:^|;\s*)session_id=([^;]+)/.exec(String(req.headers.cookie ?? ''));
  return match ? match[1] : null;
}

const b64url = (data: string | Buffer) => Buffer.from(data).toString('base64url');

function signJwt(key: KeyObject, claims: Record<string, unknown>): string {
  const input = `${b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT' }))}.${b64url(JSON.stringify(claims))}`;
  return `${input}.${createSign('RSA-SHA256').update(input).sign(key).toString('base64url')}`;
}

function verifyBearer(key: KeyObject, header: string | undefined): boolean {
  const token = /^Bearer (.+)$/.exec(header ?? '')?.[1];
  const parts = token?.split('.');
  if (!parts || parts.length !== 3) return false;
  const ok = createVerify('RSA-SHA256').update(`${parts[0]}.${parts[1]}`).verify(key, Buffer.from(parts[2], 'base64url'));
  const claims = safeJson(Buffer.from(parts[1], 'base64url')) as { exp?: number } | null;
  return ok && typeof claims?.exp === 'number' && claims.exp * 1000 > Date.now();
}
