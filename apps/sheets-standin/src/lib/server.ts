import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GoogleError, googleErrors } from './google-errors.js';
import { metadataOf, valueRange } from './grid.js';
import { OAuthError, TokenAuthority } from './tokens.js';
import type { RunningSheetsStandin, SheetsFault, SheetsRecordedRequest, SheetsStandinOptions, StandinSpreadsheet } from './types.js';

const VALUES = /^\/v4\/spreadsheets\/([^/]+)\/values\/([^/]+)$/;
const METADATA = /^\/v4\/spreadsheets\/([^/]+)$/;
const MAX_FORM = 64 * 1024;

/**
 * Starts a local stand-in for the Sheets API v4 (`spreadsheets.values.get`, `spreadsheets.get`) and Google's OAuth
 * token endpoint for service accounts (integrations §6): API keys work only on public sheets, bearer tokens only for
 * the service accounts a sheet is shared with; the JWT's RS256 signature, `iss`, `scope`, `aud` and `iat`/`exp` are
 * checked; errors come in Google's shapes. Every request is recorded (without keys or tokens) for tests.
 *
 * @example
 * ```ts
 * const sheets = await startSheetsStandin({
 *   spreadsheets: [{ spreadsheetId: 'demo', public: true, sheets: [{ title: 'People', rows: [['vid', 'name'], ['123', 'Test Person']] }] }],
 *   apiKeys: ['synthetic-key'],
 * });
 * // sheetsconfig: { spreadsheetId: 'demo', baseurl: sheets.url, auth: { type: 'apiKey', apiKey: 'synthetic-key' } }
 * await sheets.close();
 * ```
 */
export async function startSheetsStandin(options: SheetsStandinOptions): Promise<RunningSheetsStandin> {
  const now = options.now ?? (() => new Date());
  const books = new Map<string, StandinSpreadsheet>(options.spreadsheets.map((b) => [b.spreadsheetId, b]));
  const apiKeys = new Set(options.apiKeys ?? []);
  const authority = new TokenAuthority(options.serviceAccounts ?? [], options.tokenTtlSeconds ?? 3599, now);
  const recorded: SheetsRecordedRequest[] = [];
  const faults: (SheetsFault & { left: number })[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let url = '';
  let tokenUrl = '';
  // The read quota: reads answered in the current minute of `now`.
  const quota = { minute: -1, used: 0 };
  const takeRead = () => {
    if (options.readQuotaPerMinute === undefined) return;
    const minute = Math.floor(now().getTime() / 60_000);
    if (minute !== quota.minute) Object.assign(quota, { minute, used: 0 });
    if (quota.used >= options.readQuotaPerMinute) throw googleErrors.quotaExceeded();
    quota.used++;
  };

  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });

  const handleApi = async (req: IncomingMessage, record: SheetsRecordedRequest, u: URL): Promise<unknown> => {
    if (req.method !== 'GET') throw googleErrors.notFound();
    const raw = u.pathname;
    const values = VALUES.exec(raw);
    const meta = values ? null : METADATA.exec(raw);
    if (!values && !meta) throw googleErrors.notFound();
    record.endpoint = values ? 'values' : 'metadata';
    if (values) {
      try {
        record.range = decodeURIComponent(values[2]!);
      } catch {
        throw googleErrors.badRange(values[2]!);
      }
    }
    // Credentials first, then the sheet, as Google does.
    const key = u.searchParams.get('key');
    const bearer = req.headers.authorization?.startsWith('Bearer ') ? req.headers.authorization.slice(7) : undefined;
    let holder: string | undefined;
    if (bearer !== undefined) {
      record.auth = 'bearer';
      holder = authority.holder(bearer);
      if (!holder) throw googleErrors.unauthenticated();
    } else if (key !== null) {
      record.auth = 'apiKey';
      if (!apiKeys.has(key)) throw googleErrors.apiKeyInvalid();
    } else throw googleErrors.noCredentials();
    takeRead();
    if (options.latencyMs) await wait(options.latencyMs);
    const book = books.get(safeDecode((values ?? meta)![1]!));
    if (!book) throw googleErrors.notFound();
    const allowed = holder !== undefined ? (book.sharedWith ?? []).includes(holder) || book.public === true : book.public === true;
    if (!allowed) throw googleErrors.permissionDenied();
    return values ? valueRange(book, record.range!, u.searchParams) : metadataOf(book, url);
  };

  const handleToken = async (req: IncomingMessage, record: SheetsRecordedRequest): Promise<unknown> => {
    record.endpoint = 'token';
    if (req.method !== 'POST') throw new OAuthError('invalid_request', 'POST is required.', 405);
    if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      throw new OAuthError('invalid_request', 'The body must be application/x-www-form-urlencoded.');
    }
    return authority.grant(new URLSearchParams(await readText(req)), tokenUrl);
  };

  const server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://standin');
    const record: SheetsRecordedRequest = { method: req.method ?? 'GET', path: safeDecode(u.pathname), endpoint: 'other', auth: 'none', status: 0 };
    recorded.push(record);
    const isToken = u.pathname === '/token';
    if (isToken) record.endpoint = 'token';
    else if (VALUES.test(u.pathname)) record.endpoint = 'values';
    else if (METADATA.test(u.pathname)) record.endpoint = 'metadata';
    const fault = takeFault(faults, record.endpoint);
    if (fault) {
      if (fault.destroy) return void req.socket.destroy();
      const e = googleErrors.forStatus(fault.status ?? 503);
      return send(res, record, e.code, e.body());
    }
    (isToken ? handleToken(req, record) : handleApi(req, record, u)).then(
      (body) => send(res, record, 200, body),
      (err: unknown) => {
        if (err instanceof OAuthError) return send(res, record, err.status, { error: err.error, error_description: err.description });
        const e = err instanceof GoogleError ? err : googleErrors.internal();
        send(res, record, e.code, e.body());
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port, address } = server.address() as AddressInfo;
  url = `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
  tokenUrl = options.tokenUrl ?? `${url}/token`;

  return {
    url,
    tokenUrl,
    port,
    requests: () => recorded.map((r) => ({ ...r })),
    clearRequests: () => void recorded.splice(0),
    tokensIssued: () => authority.count,
    expireTokens: () => authority.expireAll(),
    injectFault: (fault) => void faults.push({ ...fault, left: fault.times ?? 1 }),
    putSpreadsheet: (book) => void books.set(book.spreadsheetId, book),
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function takeFault(faults: (SheetsFault & { left: number })[], endpoint: SheetsRecordedRequest['endpoint']): SheetsFault | undefined {
  const i = faults.findIndex((f) => f.endpoint === undefined || f.endpoint === endpoint);
  if (i === -1) return undefined;
  const f = faults[i]!;
  if (--f.left <= 0) faults.splice(i, 1);
  return f;
}

function send(res: ServerResponse, record: SheetsRecordedRequest, status: number, body: unknown): void {
  record.status = status;
  if (res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
  res.end(JSON.stringify(body));
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

async function readText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > MAX_FORM) throw new OAuthError('invalid_request', 'The request body is too large.');
    chunks.push(c);
  }
  return Buffer.concat(chunks).toString('utf8');
}
