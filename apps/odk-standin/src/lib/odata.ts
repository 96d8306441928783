import { compileFilter } from './filter.js';
import { compileOrderBy } from './orderby.js';
import { problems } from './problems.js';
import type { StoredSubmission } from './rows.js';

const UNSUPPORTED_OPTIONS = ['$select', '$expand', '$search', '$apply', '$wkt', '$format'];

/**
 * Answers GET …/forms/{id}.svc/Submissions: `$filter`, then `$orderby` (else newest first, as Central serves
 * them), then `$skiptoken` or `$skip`, then `$top`; with `$top` and rows left, an absolute `@odata.nextLink`
 * carrying the other options and an opaque `$skiptoken`. As in Central, the link carries `$skiptoken` even under
 * `$orderby`, and following it is 501.1 (Central's cursor only knows its default order): a sorted pull pages with
 * `$skip`. And as in Central, "rows left" counts from the cursor, not from `$skip`, so with `$skip` the link
 * shows up on every non-empty page until a page holds every row.
 */
export function submissionsPage(rows: StoredSubmission[], query: URLSearchParams, feedUrl: string): Record<string, unknown> {
  for (const option of UNSUPPORTED_OPTIONS) if (query.has(option)) throw problems.notImplemented(option);
  const filterText = query.get('$filter');
  const predicate = filterText === null ? undefined : compileFilter(filterText);
  const orderBy = query.get('$orderby');
  if (orderBy !== null && query.has('$skiptoken')) throw problems.notImplemented('using $orderby and $skiptoken together');
  const order = orderBy === null ? newestFirst : compileOrderBy(orderBy);
  const matching = rows.filter((s) => !predicate || predicate(s.row)).sort(order);

  const top = intParam(query, '$top');
  let start = intParam(query, '$skip') ?? 0;
  const skiptoken = query.get('$skiptoken');
  if (skiptoken !== null) {
    const after = decodeSkiptoken(skiptoken);
    const at = matching.findIndex((s) => s.row.__id === after);
    start = at === -1 ? matching.length : at + 1; // a row deleted since: nothing left after it
  }
  const end = top === undefined ? matching.length : Math.min(matching.length, start + top);
  const page = matching.slice(start, end);
  // Central: (rows after the $skiptoken cursor, or all rows) minus the rows served; $skip is not subtracted.
  const remaining = (skiptoken !== null ? matching.length - start : matching.length) - page.length;

  const body: Record<string, unknown> = { '@odata.context': `${feedUrl.replace(/\/Submissions$/, '')}/$metadata#Submissions` };
  if (query.get('$count') === 'true') body['@odata.count'] = matching.length;
  if (top !== undefined && remaining > 0 && page.length > 0) {
    const next = new URLSearchParams();
    for (const [k, v] of query) if (k !== '$skip' && k !== '$skiptoken') next.append(k, v);
    next.set('$skiptoken', encodeSkiptoken(page[page.length - 1]!.row.__id));
    body['@odata.nextLink'] = `${feedUrl}?${encodeQuery(next)}`;
  }
  body.value = page.map((s) => s.row);
  return body;
}

/** The `.svc` service document: the entity sets of the form. */
export function serviceDocument(svcUrl: string): Record<string, unknown> {
  return {
    '@odata.context': `${svcUrl}/$metadata`,
    value: [{ name: 'Submissions', kind: 'EntitySet', url: 'Submissions' }],
  };
}

function intParam(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null) return undefined;
  if (!/^\d+$/.test(raw)) throw problems.badQuery(name);
  return Number(raw);
}

// Central's default order: submission date, then insertion, newest first.
function newestFirst(a: StoredSubmission, b: StoredSubmission): number {
  return Date.parse(String(b.row.__system.submissionDate)) - Date.parse(String(a.row.__system.submissionDate)) || b.seq - a.seq;
}

// Central's tokens are "01" + base64 of a small JSON object; clients must treat them as opaque.
function encodeSkiptoken(instanceId: string): string {
  return `01${Buffer.from(JSON.stringify({ instanceId })).toString('base64url')}`;
}

function decodeSkiptoken(token: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(token.slice(2), 'base64url').toString('utf8')) as { instanceId?: unknown };
    if (token.startsWith('01') && typeof parsed.instanceId === 'string') return parsed.instanceId;
  } catch {
    // fall through
  }
  throw problems.badQuery('$skiptoken');
}

/** Percent-encodes values (spaces as %20, `+` as %2B) but keeps the `$` of option names readable. */
function encodeQuery(params: URLSearchParams): string {
  return [...params].map(([k, v]) => `${k.replace(/[^$A-Za-z0-9_-]/g, encodeURIComponent)}=${encodeURIComponent(v)}`).join('&');
}
