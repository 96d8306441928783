import { googleErrors } from './google-errors.js';
import type { StandinCell, StandinSheet, StandinSpreadsheet } from './types.js';

/** The grid size of a sheet, defaulted as a new Google sheet's. */
export function gridOf(sheet: StandinSheet): { rowCount: number; columnCount: number } {
  const widest = sheet.rows.reduce((m, r) => Math.max(m, r.length), 0);
  return { rowCount: sheet.rowCount ?? Math.max(1000, sheet.rows.length), columnCount: sheet.columnCount ?? Math.max(26, widest) };
}

/** A title as the API writes it in `range`: quoted only when it is not a plain word. */
export function a1Title(title: string): string {
  return /^[A-Za-z0-9_]+$/.test(title) ? title : `'${title.replace(/'/g, "''")}'`;
}

/** spreadsheets.get's answer (the properties the seeder asks for). */
export function metadataOf(book: StandinSpreadsheet, baseUrl: string): unknown {
  return {
    spreadsheetId: book.spreadsheetId,
    properties: { title: book.title ?? book.spreadsheetId, locale: 'en_US', timeZone: 'Etc/GMT' },
    sheets: book.sheets.map((s, index) => ({ properties: { sheetId: index, title: s.title, index, sheetType: 'GRID', gridProperties: gridOf(s) } })),
    spreadsheetUrl: `${baseUrl}/spreadsheets/d/${book.spreadsheetId}/edit`,
  };
}

type Render = 'FORMATTED_VALUE' | 'UNFORMATTED_VALUE' | 'FORMULA';

// The stand-in reads A1 notation with its own code, not the seeder's parser, so a bug there cannot hide here.
const letters = (n: number): string => (n <= 0 ? '' : letters(Math.floor((n - 1) / 26)) + String.fromCharCode(65 + ((n - 1) % 26)));
const number = (l: string): number => [...l.toUpperCase()].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0);
const CELLS = /^([A-Za-z]{0,3})(\d*)(?::([A-Za-z]{0,3})(\d*))?$/;

interface Rect { sheet: StandinSheet; r1?: number; c1?: number; r2?: number; c2?: number }

/** Resolves a range the way the API does: a sheet title (quoted or not), `title!cells`, or cells on the first sheet. */
function resolve(book: StandinSpreadsheet, text: string): Rect | undefined {
  const byTitle = (t: string) => book.sheets.find((s) => s.title === t);
  const quoted = /^'((?:[^']|'')+)'$/.exec(text);
  const whole = quoted ? byTitle(quoted[1]!.replace(/''/g, "'")) : byTitle(text);
  if (whole) return { sheet: whole };
  let sheet: StandinSheet | undefined = book.sheets[0];
  let cells = text;
  const q = /^'((?:[^']|'')+)'!(.*)$/s.exec(text);
  const bang = text.lastIndexOf('!');
  if (q) {
    sheet = byTitle(q[1]!.replace(/''/g, "'"));
    cells = q[2]!;
  } else if (bang >= 0) {
    sheet = byTitle(text.slice(0, bang));
    cells = text.slice(bang + 1);
  }
  const m = CELLS.exec(cells);
  if (!sheet || !m || cells === '') return undefined;
  const [, a, b, c, d] = m;
  if (!a && !b) return undefined;
  const rect: Rect = { sheet };
  if (a) rect.c1 = number(a);
  if (b) rect.r1 = Number(b);
  if (c === undefined) {
    // One cell: both coordinates needed.
    if (!a || !b) return undefined;
    return { ...rect, c2: rect.c1!, r2: rect.r1! };
  }
  if (!c && !d) return undefined;
  if (c) rect.c2 = number(c);
  if (d) rect.r2 = Number(d);
  if ((rect.r1 !== undefined && rect.r1 < 1) || (rect.r2 !== undefined && rect.r2 < 1)) return undefined;
  if ((rect.c1 ?? 1) > (rect.c2 ?? Infinity) || (rect.r1 ?? 1) > (rect.r2 ?? Infinity)) return undefined;
  return rect;
}

function render(cell: StandinCell | undefined, how: Render): unknown {
  if (cell === null || cell === undefined) return '';
  if (how !== 'FORMATTED_VALUE') return cell;
  if (typeof cell === 'boolean') return cell ? 'TRUE' : 'FALSE';
  return String(cell);
}

const empty = (v: unknown) => v === '' || v === undefined || v === null;

/** Drops trailing empty cells of each line, then trailing empty lines, as the API does. */
function trim(lines: unknown[][]): unknown[][] {
  const out = lines.map((l) => {
    let n = l.length;
    while (n > 0 && empty(l[n - 1])) n--;
    return l.slice(0, n);
  });
  while (out.length > 0 && out[out.length - 1]!.length === 0) out.pop();
  return out;
}

/**
 * spreadsheets.values.get: the ValueRange for an A1 range (integrations §6). A range naming no sheet reads the first
 * one; a range past the grid is a 400 "exceeds grid limits", as for the real API; trailing empty cells and rows are
 * dropped and `values` is absent when nothing is left.
 */
export function valueRange(book: StandinSpreadsheet, rangeText: string, params: URLSearchParams): unknown {
  const rect = resolve(book, rangeText);
  if (!rect) throw googleErrors.badRange(rangeText);
  const { sheet } = rect;
  const major = params.get('majorDimension') ?? 'ROWS';
  if (major !== 'ROWS' && major !== 'COLUMNS') throw googleErrors.badParameter('major_dimension');
  const how = (params.get('valueRenderOption') ?? 'FORMATTED_VALUE') as Render;
  if (!['FORMATTED_VALUE', 'UNFORMATTED_VALUE', 'FORMULA'].includes(how)) throw googleErrors.badParameter('value_render_option');
  const grid = gridOf(sheet);
  const r1 = rect.r1 ?? 1;
  const c1 = rect.c1 ?? 1;
  const r2 = rect.r2 ?? grid.rowCount;
  const c2 = rect.c2 ?? grid.columnCount;
  const label = `${a1Title(sheet.title)}!${letters(c1)}${r1}:${letters(c2)}${r2}`;
  if (r2 > grid.rowCount || c2 > grid.columnCount) throw googleErrors.gridLimits(label, grid.rowCount, grid.columnCount);
  const lines: unknown[][] = [];
  for (let r = r1; r <= r2 && r <= sheet.rows.length; r++) {
    const row = sheet.rows[r - 1] ?? [];
    const line: unknown[] = [];
    for (let c = c1; c <= c2 && c <= row.length; c++) line.push(render(row[c - 1], how));
    lines.push(line);
  }
  let values = trim(lines);
  if (major === 'COLUMNS') {
    const width = values.reduce((m, l) => Math.max(m, l.length), 0);
    values = trim(Array.from({ length: width }, (_, c) => values.map((l) => l[c] ?? '')));
  }
  return { range: label, majorDimension: major, ...(values.length > 0 ? { values } : {}) };
}
