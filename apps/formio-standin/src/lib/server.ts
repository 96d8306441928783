import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { JwtIssuer } from './jwt.js';
import { listSubmissions, type StoredSubmission } from './listing.js';
import type {
  FormioRecordedRequest,
  FormioStandinFault,
  FormioStandinOptions,
  FormioStandinSubmission,
  RunningFormioStandin,
} from './types.js';

const MAX_BODY = 64 * 1024;
const USER_FORM_ID = 'ffffffffffffffffffff0001';
// Form.io answers its errors as plain text (res.status(n).send('…') / sendStatus).
class Answer extends Error {
  constructor(
    readonly status: number,
    readonly text = STATUS_CODES[status] ?? String(status),
  ) {
    super(text);
  }
}

/**
 * Starts a local stand-in for the part of a Form.io project the seeder uses (spec §7): POST /user/login (JWT in the
 * `x-jwt-token` response header), API keys in `x-token`, and the submission index of a form by id or by path, with
 * resourcejs' filters, sort, select and paging (206 + `Content-Range`), and Form.io's token errors (400 "Bad Token",
 * 440 "Token Expired", 401). Every request is recorded without its secrets; faults can be queued.
 *
 * @example
 * ```ts
 * const formio = await startFormioStandin(demoFormioData());
 * // formioconfig: { baseurl: formio.url, formPath: 'registration', auth: { type: 'login', email: 'reader@example.org', password: 'demo-password' } }
 * await formio.close();
 * ```
 */
export async function startFormioStandin(options: FormioStandinOptions): Promise<RunningFormioStandin> {
  const now = options.now ?? (() => new Date());
  const jwt = new JwtIssuer(options.tokenTtlMs ?? 240 * 60_000, now);
  const users = (options.users ?? []).map((u, i) => ({ ...u, _id: objectId(0xeeee, i + 1) }));
  const apiKeys = new Set(options.apiKeys ?? []);
  const forms = options.forms.map((f) => ({ ...f, path: f.path.replace(/^\/+|\/+$/g, '') }));
  const stored: StoredSubmission[] = [];
  const recorded: FormioRecordedRequest[] = [];
  const faults: (FormioStandinFault & { left: number })[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let latencyMs = options.latencyMs ?? 0;
  // expireTokensAfter(n): the listing requests still answered before every issued token expires.
  let expireAfter: number | undefined;

  const add = (subs: FormioStandinSubmission[]) => {
    for (const s of subs) {
      const form = forms.find((f) => f._id === s.form || f.path === s.form);
      if (!form) throw new Error(`formio-standin: submission for an unknown form ${JSON.stringify(s.form)}`);
      const created = s.created ?? now().toISOString();
      stored.push({
        _id: s._id ?? objectId(0x65a0, stored.length + 1),
        owner: s.owner ?? null,
        roles: [],
        ...(s.state ? { state: s.state } : {}),
        data: s.data,
        access: [],
        externalIds: [],
        form: form._id,
        created,
        modified: s.modified ?? created,
        metadata: s.metadata ?? {},
      });
    }
  };
  add(options.submissions ?? []);

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });

  const handle = async (req: IncomingMessage, res: ServerResponse, record: FormioRecordedRequest, url: URL): Promise<unknown> => {
    if (req.method === 'POST' && url.pathname === '/user/login') {
      const body = await readJson(req);
      const data = (body as { data?: Record<string, unknown> } | undefined)?.data;
      if (!data || typeof data.email !== 'string' || typeof data.password !== 'string') throw new Answer(401, 'User or password was incorrect.');
      const user = users.find((u) => u.email.toLowerCase() === (data.email as string).toLowerCase() && u.password === data.password);
      if (!user) throw new Answer(401, 'User or password was incorrect');
      res.setHeader('x-jwt-token', jwt.issue({ _id: user._id }, { _id: USER_FORM_ID }));
      record.auth = 'jwt';
      const at = now().toISOString();
      return { _id: user._id, owner: user._id, roles: [], data: { email: user.email }, access: [], externalIds: [], form: USER_FORM_ID, created: at, modified: at, metadata: {} };
    }

    if (/\/submission\/?$/.test(url.pathname) && expireAfter !== undefined) {
      if (expireAfter === 0) {
        jwt.expireAll();
        expireAfter = undefined;
      } else expireAfter--;
    }
    // tokenHandler: an accepted API key wins; then a JWT (a bad one is 400, an expired one 440); else anonymous.
    const apiKey = header(req, 'x-token');
    const token = header(req, 'x-jwt-token');
    let user: (typeof users)[number] | undefined;
    if (apiKey !== undefined && apiKeys.has(apiKey)) record.auth = 'apiKey';
    else if (token !== undefined) {
      const claims = jwt.verify(token);
      if (claims === 'JsonWebTokenError') throw new Answer(400, 'Bad Token');
      if (claims === 'TokenExpiredError') throw new Answer(440, 'Token Expired');
      user = users.find((u) => u._id === claims.user._id);
      if (user) {
        record.auth = 'jwt';
        // Form.io hands back a refreshed token on every authenticated answer.
        res.setHeader('x-jwt-token', jwt.issue({ _id: user._id }, { _id: USER_FORM_ID }));
        res.setHeader('access-control-expose-headers', 'x-jwt-token');
      }
    }

    if (req.method !== 'GET') throw new Answer(404, 'Not found');
    const m = /^\/(?:form\/([^/]+)|(.+))\/submission\/?$/.exec(url.pathname);
    if (!m) throw new Answer(404, 'Not found');
    const form = m[1] !== undefined ? forms.find((f) => f._id === decodeURIComponent(m[1]!)) : forms.find((f) => f.path === decodeURIComponent(m[2]!));
    if (!form) throw new Answer(404, m[1] !== undefined ? 'Form not found' : 'Form not found.');
    if (record.auth === 'none') throw new Answer(401);
    if (user?.forms && !user.forms.includes(form._id) && !user.forms.includes(form.path)) throw new Answer(401);

    if (latencyMs > 0) await sleep(latencyMs);
    const page = listSubmissions(stored.filter((s) => s.form === form._id), url.searchParams);
    res.setHeader('accept-ranges', 'items');
    res.setHeader('range-unit', 'items');
    res.setHeader('content-range', page.contentRange);
    res.setHeader('access-control-expose-headers', 'x-jwt-token, Content-Range, Accept-Ranges, Range-Unit');
    res.statusCode = page.status;
    return page.items;
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://standin');
    const record: FormioRecordedRequest = { method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), status: 0, auth: 'none' };
    recorded.push(record);
    const fault = takeFault(faults, record);
    if (fault) {
      const answer = () => {
        if (fault.destroy) return void req.socket.destroy();
        record.status = fault.status ?? 503;
        res.writeHead(record.status, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(fault.body ?? STATUS_CODES[record.status] ?? '');
      };
      if (!fault.delayMs) return answer();
      const t = setTimeout(() => {
        timers.delete(t);
        answer();
      }, fault.delayMs);
      timers.add(t);
      return;
    }
    handle(req, res, record, url).then(
      (body) => {
        record.status = res.statusCode;
        res.setHeader('content-type', 'application/json; charset=utf-8');
        res.end(JSON.stringify(body));
      },
      (err: unknown) => {
        const a = err instanceof Answer ? err : new Answer(500);
        record.status = a.status;
        res.removeHeader('x-jwt-token');
        res.writeHead(a.status, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(a.text);
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port, address } = server.address() as AddressInfo;

  return {
    url: `http://${address.includes(':') ? `[${address}]` : address}:${port}`,
    port,
    requests: () => recorded.map((r) => ({ ...r, query: { ...r.query } })),
    clearRequests: () => void recorded.splice(0),
    addSubmissions: add,
    injectFault: (fault) => void faults.push({ ...fault, left: fault.times ?? 1 }),
    failNext: (times = 1, o = {}) => void faults.push({ status: o.status ?? 503, ...(o.path ? { path: o.path } : {}), times, left: times }),
    clearFaults: () => void faults.splice(0),
    expireTokens: () => jwt.expireAll(),
    expireTokensAfter: (n) => void (expireAfter = n),
    setLatency: (ms) => void (latencyMs = ms),
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A 24-hex-digit id, increasing with `n`: `prefix` (4 hex digits) then `n` zero-padded. */
export function objectId(prefix: number, n: number): string {
  return prefix.toString(16).padStart(4, '0') + n.toString(16).padStart(20, '0');
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  const s = Array.isArray(v) ? v[0] : v;
  return s === undefined || s === '' ? undefined : s;
}

function takeFault(faults: (FormioStandinFault & { left: number })[], r: FormioRecordedRequest): FormioStandinFault | undefined {
  const i = faults.findIndex(
    (f) =>
      (f.method === undefined || f.method.toUpperCase() === r.method) &&
      (f.path === undefined || (typeof f.path === 'string' ? f.path === r.path : f.path.test(r.path))),
  );
  if (i === -1) return undefined;
  const f = faults[i]!;
  if (--f.left <= 0) faults.splice(i, 1);
  return f;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > MAX_BODY) throw new Answer(413);
    chunks.push(c);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new Answer(400, 'Bad Request');
  }
}
