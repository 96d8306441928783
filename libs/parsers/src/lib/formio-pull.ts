import { checkFormioConfig, FORMIO_DEFAULT_PAGE_SIZE, parseIsoInstant, type FormioConfig } from '@mts/envelope';
import { FormioError } from './errors.js';
import { callFormio, type FormioAnswer, type FormioCall } from './formio-http.js';
import { DEFAULT_MAX_DEPTH, exceedsJsonDepth } from './json-depth.js';
import { parseJsonExact } from './json-exact.js';
import type { ParsedRecord } from './types.js';

/** Options of {@link pullFormioSubmissions}. */
export interface FormioPullOptions {
  /** The HTTP client; default the global `fetch`. */
  fetch?: typeof fetch;
  /** Per-request timeout; default 30 s. */
  timeoutMs?: number;
  /** Cancels the pull. */
  signal?: AbortSignal;
  /** End quietly when there is nothing to pull instead of throwing `FORMIO_NO_SUBMISSIONS`; default false. */
  allowEmpty?: boolean;
}

/** Where and what a pull asks, worked out from a `FormioConfig` before any network call. */
export interface FormioPlan {
  loginUrl: string;
  /** The submission index without query. */
  listUrl: string;
  /** Sort and date filters; `limit` and `skip` are added per page. */
  query: URLSearchParams;
  pageSize: number;
}

/**
 * Works out the URLs and query of a pull, after the envelope's own rules (`checkFormioConfig`, ATS-REQ-050..059),
 * which it throws as `FORMIO_CONFIG_INVALID` with that `mtsCode`.
 *
 * @example
 * ```ts
 * planFormioPull({ baseurl: 'https://p.form.io', formPath: 'reg', auth: { type: 'apiKey', apiKey: 'k' } }).listUrl;
 * // 'https://p.form.io/reg/submission'
 * ```
 */
export function planFormioPull(config: FormioConfig): FormioPlan {
  const issue = checkFormioConfig(config);
  if (issue) throw new FormioError('FORMIO_CONFIG_INVALID', issue.errorMessage, { mtsCode: issue.errorCode });
  const base = new URL(config.baseurl);
  const root = `${base.origin}${base.pathname.replace(/\/+$/, '')}`;
  const segments = (config.formPath ? config.formPath : `form/${config.formId}`).replace(/^\/+|\/+$/g, '').split('/');
  const query = new URLSearchParams();
  // Ascending `created`, `_id` for ties: a submission keeps its position from one read to the next.
  query.set('sort', 'created,_id');
  const iso = (d: string) => new Date(parseIsoInstant(d)).toISOString();
  if (config.startdate) query.set('created__gte', iso(config.startdate));
  if (config.enddate) query.set('created__lt', iso(config.enddate));
  return {
    loginUrl: `${root}/user/login`,
    listUrl: `${root}/${segments.map(encodeURIComponent).join('/')}/submission`,
    query,
    pageSize: config.pageSize ?? FORMIO_DEFAULT_PAGE_SIZE,
  };
}

/**
 * Pulls the submissions of a Form.io form as records: logs in (`POST {baseurl}/user/login` with
 * `{data:{email,password}}`, the JWT from the `x-jwt-token` response header) or uses the API key (`x-token`), then
 * lists `GET …/submission?sort=created,_id&limit=&skip=` (plus `created__gte`/`created__lt` for the dates) page by
 * page until a page ends the listing (`Content-Range` reaches its total, a short or empty page, or a 200).
 *
 * - `data` of each record is the submission's `data` (containers are objects, grids arrays: map with
 *   `applicant.name`, `addresses[0].city`). `lineNo` is the submission's 1-based position in the sorted listing,
 *   stable across reads. Drafts (`state: "draft"`) are skipped but keep their position, so the numbering does not
 *   move when a draft is submitted later. A submission without a `data` object is an error record.
 * - A 440 (token expired) logs in again, once, and asks for the same page; a refreshed `x-jwt-token` in an answer
 *   replaces the token. Failures throw `FormioError`: refused credentials (`FORMIO_AUTH_FAILED`), an unknown form
 *   (`FORMIO_FORM_NOT_FOUND`) and config problems are final; 429, 5xx, timeouts and network errors are
 *   `retryable`. Nothing pulled at all throws `FORMIO_NO_SUBMISSIONS` unless `allowEmpty`.
 *
 * @example
 * ```ts
 * const config = { baseurl: 'https://myproject.form.io', formPath: 'registration',
 *   auth: { type: 'apiKey', apiKey: process.env.FORMIO_API_KEY! }, startdate: '2024-01-01' } as const;
 * for await (const rec of pullFormioSubmissions(config)) console.log(rec.lineNo);
 * ```
 */
export async function* pullFormioSubmissions(config: FormioConfig, options: FormioPullOptions = {}): AsyncGenerator<ParsedRecord> {
  const plan = planFormioPull(config);
  const base: Pick<FormioCall, 'fetch' | 'timeoutMs' | 'signal'> = {
    fetch: options.fetch ?? globalThis.fetch,
    timeoutMs: options.timeoutMs ?? 30_000,
    signal: options.signal,
  };
  const auth = config.auth;
  let token: string | undefined;
  const login = async () => {
    if (auth.type !== 'login') return;
    const answer = await callFormio({
      ...base,
      url: plan.loginUrl,
      what: 'login',
      init: { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify({ data: { email: auth.email, password: auth.password } }) },
    });
    token = answer.headers.get('x-jwt-token') ?? undefined;
    if (!token) throw new FormioError('FORMIO_BAD_RESPONSE', 'the login answer has no x-jwt-token header', { status: answer.status });
  };
  const credentials = (): Record<string, string> => (auth.type === 'apiKey' ? { 'x-token': auth.apiKey } : { 'x-jwt-token': token! });

  await login();
  let skip = 0;
  let yielded = 0;
  let relogged = false;
  for (;;) {
    const query = new URLSearchParams(plan.query);
    query.set('limit', String(plan.pageSize));
    query.set('skip', String(skip));
    const answer = await callFormio({ ...base, url: `${plan.listUrl}?${query}`, what: 'submissions request', init: { headers: { ...credentials(), accept: 'application/json' } } }, [416, 440]);
    if (answer.status === 440) {
      // Expired: one fresh login for this page; a second 440 right after it is not going to get better.
      if (auth.type !== 'login' || relogged) throw new FormioError('FORMIO_AUTH_FAILED', 'Form.io answered 440 (token expired) again after a fresh login', { status: 440 });
      relogged = true;
      await login();
      continue;
    }
    relogged = false;
    const fresh = answer.headers.get('x-jwt-token');
    if (auth.type === 'login' && fresh) token = fresh;
    // Asked past the end: the listing shrank since the last page (submissions deleted meanwhile).
    if (answer.status === 416) break;
    const items = pageItems(answer);
    const range = contentRange(answer.headers.get('content-range'));
    if (range?.first !== undefined && items.length > 0 && range.first !== skip) {
      throw new FormioError('FORMIO_BAD_RESPONSE', `Form.io answered items from ${range.first} when asked from ${skip}`, { status: answer.status });
    }
    for (const [i, item] of items.entries()) {
      const lineNo = skip + i + 1;
      const record = toRecord(item, lineNo);
      if (record === null) continue;
      yielded++;
      yield record;
    }
    // Content-Range decides when there is one: a server that caps `limit` below pageSize sends short pages that
    // are not the end. Without it, a short page is.
    const end =
      items.length === 0 ||
      answer.status === 200 ||
      (range?.last !== undefined && range.total !== undefined ? range.last + 1 >= range.total : items.length < plan.pageSize);
    if (end) break;
    if (range === undefined) throw new FormioError('FORMIO_BAD_RESPONSE', 'a 206 answer without a Content-Range header', { status: answer.status });
    skip += items.length;
  }
  if (yielded === 0 && !options.allowEmpty) throw new FormioError('FORMIO_NO_SUBMISSIONS', 'no submitted Form.io submissions found for the form (and dates)');
}

function pageItems(answer: FormioAnswer): unknown[] {
  let body: unknown;
  try {
    body = parseJsonExact(answer.text);
  } catch {
    throw new FormioError('FORMIO_BAD_RESPONSE', 'the submissions answer is not JSON', { status: answer.status });
  }
  if (!Array.isArray(body)) throw new FormioError('FORMIO_BAD_RESPONSE', 'the submissions answer is not a JSON array', { status: answer.status });
  return body;
}

/** `first-last/total`, `*\/total` or `first-last/*` (node-paginate-anything's forms); undefined if absent or unreadable. */
function contentRange(header: string | null): { first?: number; last?: number; total?: number } | undefined {
  const m = header === null ? null : /^\s*(?:items\s+)?(?:(\d+)-(\d+)|\*)\/(\d+|\*)\s*$/.exec(header);
  if (!m) return undefined;
  return {
    ...(m[1] !== undefined ? { first: Number(m[1]), last: Number(m[2]) } : {}),
    ...(m[3] !== '*' ? { total: Number(m[3]) } : {}),
  };
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The record of one listed submission; null for a draft (skipped, its position kept). */
function toRecord(item: unknown, lineNo: number): ParsedRecord | null {
  if (!isObject(item)) return { lineNo, error: { code: 'FORMIO_NOT_OBJECT', message: 'the listed submission is not an object' } };
  if (item.state === 'draft') return null;
  if (!isObject(item.data)) return { lineNo, error: { code: 'FORMIO_NO_DATA', message: 'the submission has no data object' } };
  if (exceedsJsonDepth(item.data, DEFAULT_MAX_DEPTH)) {
    return { lineNo, error: { code: 'FORMIO_RECORD_TOO_DEEP', message: `the submission's data nests arrays/objects deeper than ${DEFAULT_MAX_DEPTH} levels` } };
  }
  return { lineNo, data: item.data };
}
