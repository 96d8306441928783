/**
 * An A1-notation range as the Sheets API reads it (integrations §6): an optional sheet name, then a cell, a
 * column span, a row span or a rectangle, each end possibly open. `sheet` alone (no cells) is a whole sheet
 * (or a named range: the API cannot tell them apart by syntax either).
 */
export interface A1Range {
  /** The sheet's title, unquoted (`'My Sheet'` → `My Sheet`, `''` inside quotes → `'`); absent: the first sheet. */
  sheet?: string;
  /** 1-based column of the left edge; absent: from the first column. */
  startCol?: number;
  /** 1-based row of the top edge; absent: from the first row. */
  startRow?: number;
  /** 1-based column of the right edge; absent: to the last column. */
  endCol?: number;
  /** 1-based row of the bottom edge; absent: to the last row. */
  endRow?: number;
}

const CELL = /^(?:([A-Za-z]{1,3})(\d*)|(\d+))$/;
const MAX_COL = 18_278; // ZZZ: the widest grid Sheets allows
const MAX_ROW = 10_000_000; // a spreadsheet holds at most 10 million cells

/** Column letters → 1-based number (`A` → 1, `AA` → 27). */
export function columnNumber(letters: string): number {
  let n = 0;
  for (const ch of letters.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}

/** 1-based column number → letters (`1` → `A`, `27` → `AA`). */
export function columnLetters(n: number): string {
  let s = '';
  for (let k = n; k > 0; k = Math.floor((k - 1) / 26)) s = String.fromCharCode(65 + ((k - 1) % 26)) + s;
  return s;
}

/** A sheet title as A1 notation needs it: always quoted, `'` doubled (`My Sheet` → `'My Sheet'`). */
export function quoteSheetName(title: string): string {
  return `'${title.replace(/'/g, "''")}'`;
}

/**
 * Parses A1 notation (`Sheet1`, `Sheet1!A1:F`, `'My Sheet'!A:F`, `B2:D`, `2:10`), or returns null when it is not
 * A1 notation (R1C1 is not accepted) or an edge is reversed (`C1:A5`).
 *
 * @example
 * ```ts
 * parseA1Range("'My Sheet'!B2:F"); // { sheet: 'My Sheet', startCol: 2, startRow: 2, endCol: 6 }
 * parseA1Range('Sheet1');          // { sheet: 'Sheet1' }
 * ```
 */
export function parseA1Range(text: string): A1Range | null {
  if (typeof text !== 'string' || text.trim() === '' || text.length > 1000) return null;
  let rest = text.trim();
  const out: A1Range = {};
  if (rest.startsWith("'")) {
    const m = /^'((?:[^']|'')+)'(?:!(.*))?$/s.exec(rest);
    if (!m) return null;
    out.sheet = m[1]!.replace(/''/g, "'");
    if (m[2] === undefined) return out;
    rest = m[2];
  } else {
    const bang = rest.lastIndexOf('!');
    if (bang === 0) return null;
    if (bang > 0) {
      const name = rest.slice(0, bang);
      // Unquoted titles are plain words; anything else (spaces, punctuation) must be quoted, as the API requires.
      if (!/^[\p{L}\p{N}_.]+$/u.test(name)) return null;
      out.sheet = name;
      rest = rest.slice(bang + 1);
    } else if (!rest.includes(':') && !CELL.test(rest)) {
      // No `!` and not cells: a sheet title (or a named range) on its own.
      return /^[\p{L}\p{N}_.]+$/u.test(rest) ? { sheet: rest } : null;
    }
  }
  const [a, b, extra] = rest.split(':');
  if (extra !== undefined || a === undefined || a === '') return null;
  const first = cell(a);
  if (!first) return null;
  if (b === undefined) {
    // A single cell (`A1`) is that cell; a lone column (`A`) or row (`5`) is not A1 notation on its own.
    if (first.col === undefined || first.row === undefined) return null;
    return { ...out, startCol: first.col, startRow: first.row, endCol: first.col, endRow: first.row };
  }
  const second = cell(b);
  if (!second) return null;
  // `5:A` mixes a row span and a column: not A1 notation.
  if (first.col === undefined && second.col !== undefined) return null;
  if (first.row === undefined && second.row !== undefined && first.col !== undefined && second.col === undefined) return null;
  if (first.col !== undefined) out.startCol = first.col;
  if (first.row !== undefined) out.startRow = first.row;
  if (second.col !== undefined) out.endCol = second.col;
  if (second.row !== undefined) out.endRow = second.row;
  if (out.startCol !== undefined && out.endCol !== undefined && out.endCol < out.startCol) return null;
  if (out.startRow !== undefined && out.endRow !== undefined && out.endRow < out.startRow) return null;
  return out;
}

function cell(text: string): { col?: number; row?: number } | null {
  const m = CELL.exec(text);
  if (!m) return null;
  const letters = m[1];
  const digits = m[1] !== undefined ? m[2] : m[3];
  const col = letters ? columnNumber(letters) : undefined;
  const row = digits ? Number(digits) : undefined;
  if (col !== undefined && col > MAX_COL) return null;
  if (row !== undefined && (row < 1 || row > MAX_ROW)) return null;
  return { ...(col === undefined ? {} : { col }), ...(row === undefined ? {} : { row }) };
}
