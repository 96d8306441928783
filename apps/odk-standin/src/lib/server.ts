import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serviceDocument, submissionsPage } from './odata.js';
import { Problem, problemFor, problems } from './problems.js';
import { toStored, type StoredSubmission } from './rows.js';
import { SessionStore } from './sessions.js';
import type { OdkStandinOptions, RecordedRequest, RunningOdkStandin, StandinFault, StandinSubmission } from './types.js';

const FORM_PATH = /^\/v1\/projects\/(\d+)\/forms\/([^/]+)\.svc(\/Submissions|\/)?$/;
const MAX_BODY = 64 * 1024;

/**
 * Starts a local stand-in for ODK Central's session and OData endpoints (spec §2): enough of Central for the
 * seeder's ODK pull to be tested end to end, including paging, `$filter`, errors and logout.
 *
 * @example
 * ```ts
 * const odk = await startOdkStandin({
 *   users: [{ email: 'viewer@example.org', password: 'synthetic-pass' }],
 *   forms: [{ projectId: 1, xmlFormId: 'registration' }],
 *   submissions: [{ xmlFormId: 'registration', fields: { vid: '1234', person: { name: 'Test Person' } } }],
 * });
 * // odkconfig: { baseurl: odk.url, projectid: '1', formid: 'registration', email, password }
 * await odk.close();
 * ```
 */
export async function startOdkStandin(options: OdkStandinOptions): Promise<RunningOdkStandin> {
  const now = options.now ?? (() => new Date());
  const sessions = new SessionStore(options.users, options.sessionTtlMs ?? 24 * 3600 * 1000, now);
  const forms = new Set(options.forms.map((f) => `${f.projectId ?? 1}/${f.xmlFormId}`));
  const stored: StoredSubmission[] = [];
  const recorded: RecordedRequest[] = [];
  const faults: (StandinFault & { left: number })[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let publicUrl = options.publicUrl?.replace(/\/+$/, '') ?? '';
  const add = (subs: StandinSubmission[]) => {
    for (const s of subs) stored.push(toStored(s, stored.length, now()));
  };
  add(options.submissions ?? []);

  const handle = async (req: IncomingMessage, res: ServerResponse, record: RecordedRequest, url: URL): Promise<unknown> => {
    const auth = req.headers.authorization;
    const token = auth?.startsWith('Bearer ') ? auth.slice(7) : undefined;
    const session = token === undefined ? undefined : sessions.find(token);
    record.authorized = session !== undefined;
    if (session) record.user = session.user.email;
    if (token !== undefined && !session) throw problems.authFailed();

    if (url.pathname === '/v1/sessions' && req.method === 'POST') {
      const body = await readJson(req);
      record.user = typeof body?.email === 'string' ? body.email : undefined;
      const created = sessions.create(body?.email, body?.password);
      if (!created) throw problems.authFailed();
      return created;
    }
    if (req.method === 'DELETE' && url.pathname.startsWith('/v1/sessions/')) {
      if (!session || !token) throw problems.forbidden();
      const which = decodeURIComponent(url.pathname.slice('/v1/sessions/'.length));
      sessions.delete(which === 'current' ? token : which);
      return { success: true };
    }
    const m = FORM_PATH.exec(url.pathname);
    if (!m || req.method !== 'GET') throw problems.notFound();
    const projectId = Number(m[1]);
    const xmlFormId = decodeURIComponent(m[2]!);
    if (!session) throw problems.forbidden(); // anonymous callers have no rights
    if (!forms.has(`${projectId}/${xmlFormId}`)) throw problems.notFound();
    if (session.user.projects && !session.user.projects.includes(projectId)) throw problems.forbidden();
    const svcUrl = `${publicUrl}/v1/projects/${projectId}/forms/${encodeURIComponent(xmlFormId)}.svc`;
    if (m[3] !== '/Submissions') return serviceDocument(svcUrl);
    const rows = stored.filter((s) => s.projectId === projectId && s.xmlFormId === xmlFormId);
    return submissionsPage(rows, url.searchParams, `${svcUrl}/Submissions`);
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://standin');
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      status: 0,
      authorized: false,
    };
    recorded.push(record);
    const fault = takeFault(faults, record);
    if (fault) {
      const answer = () => {
        if (fault.destroy) return void req.socket.destroy();
        const status = fault.status ?? 500;
        record.status = status;
        const text = fault.rawBody ?? JSON.stringify(fault.body ?? problemFor(status));
        res.writeHead(status, { 'content-type': fault.contentType ?? (fault.rawBody ? 'text/html' : 'application/json') });
        res.end(text);
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
      (body) => send(res, record, 200, body),
      (err: unknown) => {
        const p = err instanceof Problem ? err : problems.internal();
        send(res, record, p.status, p.body());
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port, address } = server.address() as AddressInfo;
  const url = `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
  if (!publicUrl) publicUrl = url;

  return {
    url,
    port,
    requests: () => recorded.map((r) => ({ ...r, query: { ...r.query } })),
    clearRequests: () => void recorded.splice(0),
    activeSessions: () => sessions.activeCount(),
    addSubmissions: add,
    injectFault: (fault) => void faults.push({ ...fault, left: fault.times ?? 1 }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function takeFault(faults: (StandinFault & { left: number })[], r: RecordedRequest): StandinFault | undefined {
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

function send(res: ServerResponse, record: RecordedRequest, status: number, body: unknown): void {
  record.status = status;
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > MAX_BODY) throw problems.parse();
    chunks.push(c);
  }
  try {
    const v: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined;
  } catch {
    throw problems.parse();
  }
}
