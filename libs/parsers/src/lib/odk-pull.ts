import { OdkError } from './errors.js';
import type { OdkConfig } from '@mts/envelope';
import { planOdkPull } from './odk-config.js';
import { callOdk, type OdkCall } from './odk-http.js';
import type { ParsedRecord } from './types.js';
import { DEFAULT_MAX_DEPTH, exceedsJsonDepth } from './json-depth.js';

/** Options of {@link pullOdkSubmissions}. */
export interface OdkPullOptions {
  /** The HTTP client; default the global `fetch`. */
  fetch?: typeof fetch;
  /** `$top` per page (unless `odataurl` sets its own); default 250. */
  pageSize?: number;
  /** Per-request timeout; default 30 s. */
  timeoutMs?: number;
  /** Cancels the pull (the session is still logged out). */
  signal?: AbortSignal;
  /** Also add dotted keys for nested groups (`"person.name"`) beside the nested objects; default false. */
  flatten?: boolean;
  /** End quietly when there is nothing to pull instead of throwing `ODK_NO_SUBMISSIONS`; default false. */
  allowEmpty?: boolean;
  /**
   * `'central'` (default): Central's own order, newest first, following `@odata.nextLink`. `'oldest-first'`: asks
   * for `$orderby=__system/submissionDate asc` (Central 2024.1+), so a submission arriving during the pull lands
   * after every row already read and line numbers stay put for a retry that skips the lines it has; a Central that
   * answers 501 to it is read in its own order instead.
   */
  order?: 'central' | 'oldest-first';
}

/**
 * Pulls the submissions of an ODK Central form as records: logs in (POST `/v1/sessions`), reads the OData
 * Submissions feed page by page (`$top`, then `@odata.nextLink` until it is gone; under an `$orderby`, which
 * Central's `$skiptoken` links do not survive, the next `$skip` while pages come back full), filtered on
 * `__system/submissionDate` by `startdate` (ge) and/or `enddate` (lt), and always logs out
 * (DELETE `/v1/sessions/current`), also on error and when the consumer stops early.
 *
 * - `data` is the submission row as Central sends it (groups stay nested objects, so mappings use dotted
 *   paths such as `person.name`); `flatten: true` adds dotted keys too. `lineNo` counts submissions from 1.
 * - Failures throw `OdkError` with a stable `code` (and `mtsCode` ATS-REQ-018..023 where MTS has one);
 *   a pull that finds nothing throws `ODK_NO_SUBMISSIONS` unless `allowEmpty` is set.
 *
 * @example
 * ```ts
 * import { pullOdkSubmissions } from '@mts/parsers';
 * const config = { baseurl: 'https://odk.example.org', projectid: '1', formid: 'registration',
 *   email: 'viewer@example.org', password: process.env.ODK_PASSWORD!, startdate: '2024-01-01' };
 * for await (const rec of pullOdkSubmissions(config, { pageSize: 500 })) console.log(rec.lineNo);
 * ```
 */
export async function* pullOdkSubmissions(config: OdkConfig, options: OdkPullOptions = {}): AsyncGenerator<ParsedRecord> {
  const plan = planOdkPull(config, options.pageSize ?? 250);
  const base: Pick<OdkCall, 'fetch' | 'timeoutMs' | 'signal'> = {
    fetch: options.fetch ?? globalThis.fetch,
    timeoutMs: options.timeoutMs ?? 30_000,
    signal: options.signal,
  };
  const session = await callOdk({
    ...base,
    url: plan.sessionUrl,
    what: 'login',
    init: { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify({ email: config.email, password: config.password }) },
  });
  const token = (session as { token?: unknown } | null)?.token;
  if (typeof token !== 'string' || token === '') throw new OdkError('ODK_BAD_RESPONSE', 'the login answer holds no session token');
  const headers = { authorization: `Bearer ${token}`, accept: 'application/json' };

  try {
    const oldestFirst = options.order === 'oldest-first' && !plan.firstQuery.has('$orderby');
    let params = oldestFirst ? withParam(plan.firstQuery, '$orderby', OLDEST_FIRST) : plan.firstQuery;
    let query: string | undefined = encodeQuery(params);
    const seen = new Set<string>();
    let lineNo = 0;
    while (query !== undefined) {
      seen.add(query);
      let page: unknown;
      try {
        page = await callOdk({ ...base, url: query ? `${plan.feedUrl}?${query}` : plan.feedUrl, what: 'submissions request', init: { headers } });
      } catch (error) {
        // A Central before 2024.1 answers 501 to $orderby: read in its own order, as asked before.
        if (!(oldestFirst && lineNo === 0 && params !== plan.firstQuery && error instanceof OdkError && error.code === 'ODK_NOT_IMPLEMENTED')) throw error;
        params = plan.firstQuery;
        query = encodeQuery(params);
        continue;
      }
      const value = (page as { value?: unknown } | null)?.value;
      if (!Array.isArray(value)) throw new OdkError('ODK_BAD_RESPONSE', 'the submissions answer has no value[] array');
      for (const row of value) {
        lineNo++;
        if (row === null || typeof row !== 'object' || Array.isArray(row)) {
          yield { lineNo, error: { code: 'ODK_NOT_OBJECT', message: 'the submission is not an object' } };
        } else if (exceedsJsonDepth(row, DEFAULT_MAX_DEPTH)) {
          yield { lineNo, error: { code: 'ODK_RECORD_TOO_DEEP', message: `the submission nests arrays/objects deeper than ${DEFAULT_MAX_DEPTH} levels` } };
        } else yield { lineNo, data: options.flatten ? withDottedKeys(row as Record<string, unknown>) : (row as Record<string, unknown>) };
      }
      if (params.has('$orderby')) {
        params = nextSkip(params, value.length);
        query = params.has('$skip') ? encodeQuery(params) : undefined;
      } else {
        query = nextQuery((page as Record<string, unknown>)['@odata.nextLink'], plan.feedUrl);
      }
      if (query !== undefined && seen.has(query)) throw new OdkError('ODK_BAD_RESPONSE', '@odata.nextLink repeats an earlier page');
    }
    if (lineNo === 0 && !options.allowEmpty) {
      throw new OdkError('ODK_NO_SUBMISSIONS', 'no submissions found for odk pull', { mtsCode: 'ATS-REQ-023' });
    }
  } finally {
    // Logged out whatever happened; a failed logout must not hide the outcome of the pull.
    await callOdk({ ...base, signal: undefined, timeoutMs: Math.min(base.timeoutMs, 5000), url: plan.logoutUrl, what: 'logout', init: { method: 'DELETE', headers } }).catch(() => undefined);
  }
}

const OLDEST_FIRST = '__system/submissionDate asc';

const withParam = (params: URLSearchParams, name: string, value: string) => {
  const next = new URLSearchParams(params);
  next.set(name, value);
  return next;
};

/**
 * The next page under an `$orderby`: Central's nextLink then carries a `$skiptoken`, which it refuses together with
 * `$orderby` (501.1), and with `$skip` a link shows up even after the last row. So the same query at `$skip` plus
 * the rows served, while a page comes back full (`$top` rows); no `$skip` (the end) after a short page, or when
 * there is no `$top` (Central then serves everything at once). Central breaks ties in submissionDate by its own
 * insertion order, so a late arrival with an equal date still lands after the rows already read.
 */
function nextSkip(params: URLSearchParams, served: number): URLSearchParams {
  const top = Number(params.get('$top') ?? Number.NaN);
  const next = new URLSearchParams(params);
  next.delete('$skiptoken');
  next.delete('$skip');
  if (Number.isInteger(top) && top > 0 && served >= top) next.set('$skip', String(Number(params.get('$skip') ?? 0) + served));
  return next;
}

/**
 * The next page's query. Only the query of `@odata.nextLink` is used, on our own feed URL: Central builds the
 * link from its configured domain, which may not be the address we reach it at, and the bearer token must
 * not follow a link to another host.
 */
function nextQuery(link: unknown, feedUrl: string): string | undefined {
  if (link === undefined || link === null) return undefined;
  if (typeof link !== 'string') throw new OdkError('ODK_BAD_RESPONSE', '@odata.nextLink is not a string');
  let url: URL;
  try {
    url = new URL(link, feedUrl);
  } catch {
    throw new OdkError('ODK_BAD_RESPONSE', '@odata.nextLink is not a URL');
  }
  return url.search.slice(1);
}

function withDottedKeys(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...row };
  const walk = (obj: Record<string, unknown>, prefix: string) => {
    for (const [k, v] of Object.entries(obj)) {
      const key = `${prefix}.${k}`;
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) walk(v as Record<string, unknown>, key);
      else if (!(key in out)) out[key] = v;
    }
  };
  for (const [k, v] of Object.entries(row)) if (v !== null && typeof v === 'object' && !Array.isArray(v)) walk(v as Record<string, unknown>, k);
  return out;
}

/** Percent-encodes values (space as %20, `+` as %2B, as Central needs for offsets) and keeps `$top` readable. */
function encodeQuery(params: URLSearchParams): string {
  return [...params].map(([k, v]) => `${k.replace(/[^$A-Za-z0-9_-]/g, encodeURIComponent)}=${encodeURIComponent(v)}`).join('&');
}
