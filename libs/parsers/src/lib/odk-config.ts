import { checkOdkConfig, type OdkConfig } from '@mts/envelope';
import { OdkError, type OdkErrorCode } from './errors.js';

/** Where and what to ask, worked out from an `OdkConfig`. */
export interface OdkPlan {
  sessionUrl: string;
  logoutUrl: string;
  /** The Submissions feed without query. */
  feedUrl: string;
  /** The first page's query (`$top`, `$filter`, plus any from `odataurl`). */
  firstQuery: URLSearchParams;
}

const present = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const fail = (code: OdkErrorCode, message: string, mtsCode?: string) =>
  new OdkError(code, message, mtsCode === undefined ? {} : { mtsCode });

// MTS's rule (ATS-REQ-018..022, in @mts/envelope, the one place it lives) → this package's typed error.
const CONFIG_CODES: Readonly<Record<string, OdkErrorCode>> = {
  'ATS-REQ-018': 'ODK_CONFIG_BASEURL',
  'ATS-REQ-019': 'ODK_CONFIG_EMAIL',
  'ATS-REQ-020': 'ODK_CONFIG_PASSWORD',
  'ATS-REQ-021': 'ODK_CONFIG_PROJECTID',
  'ATS-REQ-022': 'ODK_CONFIG_FORMID',
};

/**
 * Works out where and what a pull asks from an `odkconfig` (from `@mts/envelope`), before any network call:
 * first MTS's checks (`checkOdkConfig` of `@mts/envelope`: baseurl, email, password, then project and form id when
 * there is no `odataurl`), then what a pull needs beyond them (URLs and dates must parse). Throws the first problem
 * as an `OdkError` (`mtsCode` ATS-REQ-018..022 for MTS's checks).
 *
 * @example
 * ```ts
 * const plan = planOdkPull({ baseurl: 'https://odk.example.org', projectid: 5, formid: 'f', email: 'e@example.org', password: 'pw' });
 * plan.feedUrl; // 'https://odk.example.org/v1/projects/5/forms/f.svc/Submissions'
 * ```
 */
export function planOdkPull(config: OdkConfig, pageSize = 250): OdkPlan {
  const issue = checkOdkConfig(config, 'padded');
  if (issue) throw fail(CONFIG_CODES[issue.errorCode] ?? 'ODK_CONFIG_INVALID', issue.errorMessage, issue.errorCode);
  const base = httpUrl(config.baseurl, 'baseurl');
  const root = `${base.origin}${base.pathname.replace(/\/+$/, '')}`;
  const version = present(config.version) ? config.version.replace(/^\/+|\/+$/g, '') : 'v1';
  if (!/^[A-Za-z0-9._-]+$/.test(version)) throw fail('ODK_CONFIG_INVALID', 'odkconfig.version is not a path segment');

  let feed: URL;
  if (present(config.odataurl)) {
    feed = httpUrl(config.odataurl, 'odataurl', `${root}/`);
    // The .svc URL is the service document (a list of entity sets): the data is one level down.
    feed.pathname = feed.pathname.replace(/\.svc\/?$/, '.svc/Submissions');
  } else {
    // A non-empty string or a number (MTS's pydantic model turns one into a string), since checkOdkConfig passed.
    const p = encodeURIComponent(String(config.projectid));
    const f = encodeURIComponent(String(config.formid));
    feed = new URL(`${root}/${version}/projects/${p}/forms/${f}.svc/Submissions`);
  }
  const query = new URLSearchParams(feed.search);
  feed.search = '';
  if (!query.has('$top') && pageSize > 0) query.set('$top', String(pageSize));
  const bounds: string[] = [];
  if (present(config.startdate)) bounds.push(`__system/submissionDate ge ${isoDate(config.startdate, 'startdate')}`);
  if (present(config.enddate)) bounds.push(`__system/submissionDate lt ${isoDate(config.enddate, 'enddate')}`);
  if (bounds.length > 0) {
    const own = query.get('$filter');
    query.set('$filter', [...(own ? [`(${own})`] : []), ...bounds].join(' and '));
  }
  return { sessionUrl: `${root}/${version}/sessions`, logoutUrl: `${root}/${version}/sessions/current`, feedUrl: feed.href, firstQuery: query };
}

function httpUrl(text: string, field: string, base?: string): URL {
  let url: URL;
  try {
    url = new URL(text, base);
  } catch {
    throw fail('ODK_CONFIG_INVALID', `odkconfig.${field} is not a URL (it needs a scheme, e.g. https://)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw fail('ODK_CONFIG_INVALID', `odkconfig.${field} must be http(s)`);
  if (url.username || url.password) throw fail('ODK_CONFIG_INVALID', `odkconfig.${field} must not embed credentials`);
  return url;
}

const ISO = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** A date or date-time as Central's filter takes it; no zone means UTC (the deterministic choice). */
function isoDate(text: string, field: string): string {
  const t = text.trim();
  const m = ISO.exec(t);
  let normal = t.replace(' ', 'T');
  if (m && !m[1]) normal += t.length === 10 ? 'T00:00:00Z' : 'Z';
  else if (m) normal = normal.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const [y, mo, d] = t.slice(0, 10).split('-').map(Number) as [number, number, number];
  const realDay = mo >= 1 && mo <= 12 && d >= 1 && d <= new Date(Date.UTC(y, mo, 0)).getUTCDate(); // Date.parse takes Feb 30
  const ms = m && realDay ? Date.parse(normal) : Number.NaN;
  if (Number.isNaN(ms)) throw fail('ODK_CONFIG_INVALID', `odkconfig.${field} is not an ISO 8601 date or date-time`);
  return new Date(ms).toISOString();
}
