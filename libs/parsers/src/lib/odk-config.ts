import { OdkError, type OdkErrorCode } from './errors.js';

/** MTS's `odkconfig`, field for field. */
export interface OdkConfig {
  /** Central's origin (and path prefix, if any), e.g. `https://odk.example.org`. */
  baseurl: string;
  /** API version path segment; default `v1`. */
  version?: string;
  /** The OData feed, used verbatim (absolute, or a path under `baseurl`); a `.svc` URL gets `/Submissions`. */
  odataurl?: string;
  /** A number is accepted too, as MTS accepts one. */
  projectid?: string | number;
  formid?: string;
  email: string;
  password: string;
  /** Lower bound (inclusive) on `__system/submissionDate`: ISO 8601 date or date-time. */
  startdate?: string;
  /** Upper bound (exclusive) on `__system/submissionDate`. */
  enddate?: string;
}

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
// MTS's pydantic model turns a JSON number into a string for these fields, so callers send both.
const idText = (v: unknown): string | undefined => (typeof v === 'number' && Number.isFinite(v) ? String(v) : present(v) ? v : undefined);
const fail = (code: OdkErrorCode, message: string, mtsCode?: string) =>
  new OdkError(code, message, mtsCode === undefined ? {} : { mtsCode });

/**
 * Checks an `odkconfig` the way MTS does (baseurl, email, password, then project and form id when there is no
 * `odataurl`) and more (URLs and dates must parse). Throws the first problem as an `OdkError`; call it when a
 * request arrives to reject a bad config before any network call.
 *
 * @example
 * ```ts
 * try { checkOdkConfig(body.request.odkconfig); } catch (e) { if (e instanceof OdkError) reply(400, e.mtsCode); }
 * ```
 */
export function checkOdkConfig(config: OdkConfig, pageSize = 250): OdkPlan {
  if (!present(config?.baseurl)) throw fail('ODK_CONFIG_BASEURL', 'no odk baseurl provided', 'ATS-REQ-018');
  if (!present(config.email)) throw fail('ODK_CONFIG_EMAIL', 'no email provided', 'ATS-REQ-019');
  if (!present(config.password)) throw fail('ODK_CONFIG_PASSWORD', 'no password provided', 'ATS-REQ-020');
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
    const projectid = idText(config.projectid);
    const formid = idText(config.formid);
    if (projectid === undefined) throw fail('ODK_CONFIG_PROJECTID', 'no odk project id provided', 'ATS-REQ-021');
    if (formid === undefined) throw fail('ODK_CONFIG_FORMID', 'no odk form id provided', 'ATS-REQ-022');
    const p = encodeURIComponent(projectid);
    const f = encodeURIComponent(formid);
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
