import { setTimeout as delay } from 'node:timers/promises';
import { columnLetters, parseA1Range, quoteSheetName, SHEETS_CODES, type SheetsConfig } from '@mts/envelope';
import { SheetsError } from './errors.js';
import { callSheets, type SheetsCall } from './sheets-http.js';
import { planSheetsPull } from './sheets-plan.js';
import { createSheetsTokenCache, serviceAccountToken, tokenCacheKey, type SheetsTokenCache } from './sheets-token.js';
import type { ParsedRecord } from './types.js';

/** Options of {@link pullSheetRows}. */
export interface SheetsPullOptions {
  /** The HTTP client; default the global `fetch`. */
  fetch?: typeof fetch;
  /** Rows per values request; default 5000. */
  windowRows?: number;
  /** Per-request timeout; default 30 s. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Service-account access tokens; default one cache per process. */
  tokenCache?: SheetsTokenCache;
  /** Clock in ms, for the JWT and the token cache. */
  now?: () => number;
  /** End quietly when the range holds no data rows instead of throwing `SHEETS_EMPTY`; default false. */
  allowEmpty?: boolean;
  /**
   * How long to wait after Google's read quota answers 429 (60 reads a minute per user) before the same request
   * again, in ms; default 60 000 (the quota's minute). At most {@link SheetsPullOptions.rateLimitWaits} waits in a
   * row, then the 429 is thrown (`SHEETS_RATE_LIMITED`, retryable).
   */
  rateLimitWaitMs?: number;
  /** Waits in a row on 429 before giving up; default 5. 0: throw the first 429. */
  rateLimitWaits?: number;
  /** Waits `ms` (tests); default a timer that `signal` cuts short. */
  sleep?: (ms: number) => Promise<void>;
}

const defaultCache = createSheetsTokenCache();
type Cell = unknown;
const blank = (c: Cell) => c === '' || c === null || c === undefined;

/**
 * Reads a Google sheet's rows as records with the Sheets API v4 (integrations §6). One `spreadsheets.get` finds the
 * sheet and its grid size; then `spreadsheets.values.get` reads the header row and the data in windows of
 * `windowRows` rows (`'People'!A2:F5001`, `'People'!A5002:F10001`, …), never the whole sheet in one answer.
 *
 * - `data` maps each header name to its cell; rows the API shortened (it drops trailing empty cells) are padded
 *   with `''`; with `header: false` the keys are `"0"`, `"1"`, … (the range's columns). `lineNo` is the sheet's row
 *   number, so it is stable across reads; blank rows are skipped.
 * - Auth: `?key=` for an API key; for a service account an RS256 JWT exchanged at `tokenUri` for a bearer token,
 *   cached until shortly before it expires and renewed once if the API refuses it (401).
 * - Failures throw `SheetsError`: network, timeouts, 429 and 5xx are `retryable`; 400 (`SHEETS_BAD_RANGE`), 401 and
 *   invalid keys (`SHEETS_AUTH_FAILED`), 403 (`SHEETS_PERMISSION_DENIED`), 404 (`SHEETS_NOT_FOUND`) are not. A range
 *   with no rows is `SHEETS_EMPTY`, one whose first row is empty `SHEETS_NO_HEADER` (both `mtsCode` ATS-REQ-049).
 * - A range that is only a name not found among the sheets is read as a named range, in one request.
 *
 * @example
 * ```ts
 * import { pullSheetRows } from '@mts/parsers';
 * const config = { spreadsheetId: '1AbC…', range: "'People'!A1:G", auth: { type: 'apiKey', apiKey: process.env.SHEETS_KEY! } } as const;
 * for await (const rec of pullSheetRows(config, { windowRows: 1000 })) console.log(rec.lineNo);
 * ```
 */
export async function* pullSheetRows(config: SheetsConfig, options: SheetsPullOptions = {}): AsyncGenerator<ParsedRecord> {
  const plan = planSheetsPull(config);
  const windowRows = Math.max(1, Math.floor(options.windowRows ?? 5000));
  const base: Pick<SheetsCall, 'fetch' | 'timeoutMs' | 'signal'> = { fetch: options.fetch ?? globalThis.fetch, timeoutMs: options.timeoutMs ?? 30_000, signal: options.signal };
  const now = options.now ?? Date.now;
  const cache = options.tokenCache ?? defaultCache;
  const auth = config.auth;

  const rateLimitWaitMs = options.rateLimitWaitMs ?? 60_000;
  const rateLimitWaits = options.rateLimitWaits ?? 5;
  const sleep =
    options.sleep ??
    ((ms: number) =>
      delay(ms, undefined, { signal: options.signal }).catch((cause: unknown) => {
        throw new SheetsError('SHEETS_NETWORK', 'the pull was cancelled', { cause });
      }));

  /**
   * A read under Google's quota: a 429 waits out the quota's minute and asks again, so a sheet that needs more reads
   * than the quota allows in a minute is read to the end (a retry of the whole pull would start again at row 1 and
   * meet the quota at the same place).
   */
  const get = async (url: string, what: SheetsCall['what']): Promise<unknown> => {
    for (let waited = 0; ; waited++) {
      try {
        return await getOnce(url, what);
      } catch (e) {
        if (!(e instanceof SheetsError && e.code === 'SHEETS_RATE_LIMITED') || waited >= rateLimitWaits) throw e;
        await sleep(rateLimitWaitMs);
      }
    }
  };

  /** GET with the credentials; a service account's refused token is dropped and renewed once. */
  const getOnce = async (url: string, what: SheetsCall['what']): Promise<unknown> => {
    if (auth.type === 'apiKey') {
      const u = new URL(url);
      u.searchParams.set('key', auth.apiKey);
      return callSheets({ ...base, url: u.href, what, init: { headers: { accept: 'application/json' } } });
    }
    for (let attempt = 1; ; attempt++) {
      const token = await serviceAccountToken(auth, { ...base, cache, now });
      try {
        return await callSheets({ ...base, url, what, init: { headers: { accept: 'application/json', authorization: `Bearer ${token}` } } });
      } catch (e) {
        if (attempt === 1 && e instanceof SheetsError && e.status === 401) {
          cache.delete(tokenCacheKey(auth));
          continue;
        }
        throw e;
      }
    }
  };

  const values = async (range: string): Promise<{ rows: Cell[][]; firstRow: number | undefined }> => {
    const q = new URLSearchParams({ majorDimension: 'ROWS', valueRenderOption: plan.valueRenderOption });
    const body = (await get(`${plan.spreadsheetUrl}/values/${encodeURIComponent(range)}?${q}`, 'values request')) as { values?: unknown; range?: unknown } | null;
    const rows = body?.values ?? [];
    if (!Array.isArray(rows) || !rows.every(Array.isArray)) throw new SheetsError('SHEETS_BAD_RESPONSE', 'the values answer is not a list of rows');
    const answered = typeof body?.range === 'string' ? parseA1Range(body.range) : null;
    return { rows: rows as Cell[][], firstRow: answered?.startRow };
  };

  const meta = (await get(`${plan.spreadsheetUrl}?fields=${encodeURIComponent('sheets.properties(title,index,gridProperties(rowCount,columnCount))')}`, 'spreadsheet request')) as {
    sheets?: { properties?: { title?: unknown; index?: unknown; gridProperties?: { rowCount?: unknown; columnCount?: unknown } } }[];
  } | null;
  const tabs = (Array.isArray(meta?.sheets) ? meta.sheets : []).map((s) => s?.properties).filter((p) => typeof p?.title === 'string');
  if (tabs.length === 0) throw new SheetsError('SHEETS_BAD_RESPONSE', 'the spreadsheet answer lists no sheets');
  const { range } = plan;
  const tab = range.sheet === undefined ? [...tabs].sort((a, b) => Number(a!.index ?? 0) - Number(b!.index ?? 0))[0] : tabs.find((t) => t!.title === range.sheet);
  const bareName = range.startRow === undefined && range.endRow === undefined && range.startCol === undefined && range.endCol === undefined;

  let count = 0;
  let columns: (string | null)[] | null = null;
  const toRecords = function* (rows: Cell[][], firstRow: number): Generator<ParsedRecord> {
    for (let i = 0; i < rows.length; i++) {
      const cells = rows[i]!;
      if (cells.every(blank)) continue;
      const data: Record<string, unknown> = {};
      columns!.forEach((name, c) => {
        if (name !== null && !(name in data)) data[name] = cells[c] ?? '';
      });
      count++;
      yield { lineNo: firstRow + i, data };
    }
  };
  const headerOf = (cells: Cell[] | undefined, width: number): (string | null)[] => {
    if (!plan.header) return Array.from({ length: width }, (_, i) => String(i));
    return (cells ?? []).map((c) => (blank(c) ? null : String(c).trim() || null));
  };
  const emptyOrNoHeader = (anyData: boolean) =>
    anyData
      ? new SheetsError('SHEETS_NO_HEADER', "the range's first row is empty: it has no header row (set header: false to read columns by index)", { mtsCode: SHEETS_CODES.emptySheet })
      : new SheetsError('SHEETS_EMPTY', 'the sheet range holds no rows', { mtsCode: SHEETS_CODES.emptySheet });

  if (!tab) {
    // Not a sheet: a named range (read whole, as only the API knows its size), or a sheet that does not exist.
    if (!bareName) throw new SheetsError('SHEETS_BAD_RANGE', 'sheetsconfig.range names a sheet the spreadsheet does not have');
    const { rows, firstRow = 1 } = await values(plan.rangeText!);
    const width = rows.reduce((m, r) => Math.max(m, r.length), 0);
    columns = headerOf(rows[0], width);
    if (plan.header && columns.every((c) => c === null)) throw emptyOrNoHeader(rows.slice(1).some((r) => !r.every(blank)));
    yield* toRecords(plan.header ? rows.slice(1) : rows, plan.header ? firstRow + 1 : firstRow);
  } else {
    const grid = tab.gridProperties ?? {};
    const rowCount = Number(grid.rowCount);
    const colCount = Number(grid.columnCount);
    if (!Number.isInteger(rowCount) || !Number.isInteger(colCount)) throw new SheetsError('SHEETS_BAD_RESPONSE', 'the spreadsheet answer has no grid size');
    const title = quoteSheetName(tab.title as string);
    const r1 = range.startRow ?? 1;
    const c1 = range.startCol ?? 1;
    const r2 = Math.min(range.endRow ?? rowCount, rowCount);
    const c2 = Math.min(range.endCol ?? colCount, colCount);
    const span = (from: number, to: number) => `${title}!${columnLetters(c1)}${from}:${columnLetters(c2)}${to}`;
    if (r1 <= r2 && c1 <= c2) {
      let from = r1;
      if (plan.header) {
        const { rows } = await values(span(r1, r1));
        columns = headerOf(rows[0], 0);
        from = r1 + 1;
        if (columns.every((c) => c === null)) {
          const next = from <= r2 ? (await values(span(from, Math.min(r2, from + windowRows - 1)))).rows : [];
          throw emptyOrNoHeader(next.some((r) => !r.every(blank)));
        }
      } else columns = headerOf(undefined, c2 - c1 + 1);
      // Windows, not one answer: a big sheet never sits whole in memory, and each answer stays small.
      for (; from <= r2; from += windowRows) {
        const to = Math.min(r2, from + windowRows - 1);
        const { rows } = await values(span(from, to));
        yield* toRecords(rows, from);
      }
    }
  }
  if (count === 0 && !options.allowEmpty) throw emptyOrNoHeader(false);
}
