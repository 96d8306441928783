import { odkInput } from '@mts/envelope';
import { pullOdkSubmissions } from '@mts/parsers';
import type { InputSource } from '../source.js';

/** POST authtoken/odk: the worker pulls the submissions from ODK Central with `request.odkconfig`. */
export const odkSource: InputSource<'odk'> = {
  kind: 'odk',
  storedAs: ['odk'],
  envelope: odkInput,
  intake: { type: 'pull' },
  // Checked at submission, so always there; the pull's own guard still fails cleanly (ODK_CONFIG_BASEURL) if not.
  // MTS_PULL_PAGE_SIZE sets OData's $top (default 250) unless the odataurl names its own.
  read: (ctx) =>
    pullOdkSubmissions(ctx.config.odkconfig!, {
      fetch: oldestFirst(ctx.fetch ?? ((input, init) => globalThis.fetch(input, init))),
      ...(ctx.pageSize ? { pageSize: ctx.pageSize } : {}),
    }),
};

// Central serves newest first, so a line number would shift when a submission arrives between a failed pull and
// its retry (which skips the lines stored already). Oldest first, a new submission (its date is Central's clock at
// arrival) lands after every row there is, so positions, `$skip` paging and the retry's line numbers stay put.
// Central breaks ties on its own insertion order (submissions.id, in the first key's direction), which is why
// `__id` (a random uuid, which would put a late arrival with an equal date in the middle) is not a second key.
const ORDER_BY = '$orderby=__system%2FsubmissionDate%20asc';

/**
 * A fetch that asks Central (2024.1+) for oldest-first pages. Under `$orderby`, Central's `@odata.nextLink`
 * still carries a `$skiptoken`, which Central then refuses (501.1, "$orderby and $skiptoken together"), and with
 * `$skip` its link shows up even after the last row: so the link of each page is replaced by the next `$skip`
 * while a page comes back full, and dropped after a short one. A Central older than 2024.1 answers 501 to
 * `$orderby`: that pull goes on newest first, as before (only login and logout are not GETs).
 */
function oldestFirst(fetchImpl: typeof fetch): typeof fetch {
  let sortable = true;
  return async (input, init) => {
    if ((init?.method ?? 'GET') !== 'GET' || !sortable) return fetchImpl(input, init);
    const url = String(input);
    const query = (url.split('?')[1] ?? '').split('&').filter((p) => p !== '');
    const asked = query.some((p) => p.startsWith('$orderby='));
    const sorted = asked ? url : `${url}${url.includes('?') ? '&' : '?'}${ORDER_BY}`;
    const res = await fetchImpl(sorted, init);
    if (res.status === 501 && !asked && !query.some((p) => p.startsWith('$skip='))) {
      sortable = false;
      return fetchImpl(input, init);
    }
    return res.ok ? withSkipLink(res, sorted) : res;
  };
}

/** The page with its nextLink replaced: the same query at `$skip` + rows served while the page is full, else none. */
async function withSkipLink(res: Response, url: string): Promise<Response> {
  const text = await res.text();
  const again = () => new Response(text, { status: res.status, headers: { 'content-type': res.headers.get('content-type') ?? 'application/json' } });
  let page: unknown;
  try {
    page = JSON.parse(text);
  } catch {
    return again(); // the pull reports it
  }
  if (page === null || typeof page !== 'object' || !Array.isArray((page as { value?: unknown }).value)) return again();
  const body = page as { value: unknown[]; '@odata.nextLink'?: string };
  const [feed = '', rawQuery = ''] = url.split('?');
  const params = new URLSearchParams(rawQuery);
  const top = Number(params.get('$top') ?? Number.NaN);
  const skip = Number(params.get('$skip') ?? 0);
  delete body['@odata.nextLink'];
  if (Number.isInteger(top) && top > 0 && body.value.length >= top) {
    const kept = rawQuery.split('&').filter((p) => p !== '' && !p.startsWith('$skip=') && !p.startsWith('$skiptoken='));
    body['@odata.nextLink'] = `${feed}?${[...kept, `$skip=${skip + body.value.length}`].join('&')}`;
  }
  return Response.json(body, { status: res.status });
}
