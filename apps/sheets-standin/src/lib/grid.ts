import { columnLetters, parseA1Range } from '@mts/envelope';
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
  const range = parseA1Range(rangeText);
  if (!range) throw googleErrors.badRange(rangeText);
  const sheet = range.sheet === undefined ? book.sheets[0] : book.sheets.find((s) => s.title === range.sheet);
  if (!sheet) throw googleErrors.badRange(rangeText);
  const major = params.get('majorDimension') ?? 'ROWS';
  if (major !== 'ROWS' && major !== 'COLUMNS') throw googleErrors.badParameter('major_dimension');
  const how = (params.get('valueRenderOption') ?? 'FORMATTED_VALUE') as Render;
  if (!['FORMATTED_VALUE', 'UNFORMATTED_VALUE', 'FORMULA'].includes(how)) throw googleErrors.badParameter('value_render_option');
  const grid = gridOf(sheet);
  const r1 = range.startRow ?? 1;
  const c1 = range.startCol ?? 1;
  const r2 = range.endRow ?? grid.rowCount;
  const c2 = range.endCol ?? grid.columnCount;
  const label = `${a1Title(sheet.title)}!${columnLetters(c1)}${r1}:${columnLetters(c2)}${r2}`;
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
