import { checkSheetsConfig, parseA1Range, type A1Range, type SheetsConfig } from '@mts/envelope';
import { SheetsError } from './errors.js';

/** Where and what a Sheets pull reads, worked out from a `sheetsconfig` before any call. */
export interface SheetsPlan {
  /** `<baseurl>/v4/spreadsheets/<id>`, no trailing slash. */
  spreadsheetUrl: string;
  /** The range as given (null: the first sheet). */
  rangeText: string | null;
  range: A1Range;
  header: boolean;
  valueRenderOption: NonNullable<SheetsConfig['valueRenderOption']>;
}

/** Google's API origin, the default `baseurl`. */
export const SHEETS_API_URL = 'https://sheets.googleapis.com';

/**
 * Checks a `sheetsconfig` with `@mts/envelope`'s `checkSheetsConfig` (the one home of ATS-REQ-040..048) and works
 * out the spreadsheet URL and the parsed range. Throws `SheetsError` `SHEETS_CONFIG_INVALID` with the ATS code.
 *
 * @example
 * ```ts
 * planSheetsPull({ spreadsheetId: 'abc', range: "'People'!A1:F", auth: { type: 'apiKey', apiKey: k } }).range;
 * // { sheet: 'People', startCol: 1, startRow: 1, endCol: 6 }
 * ```
 */
export function planSheetsPull(config: SheetsConfig): SheetsPlan {
  const issue = checkSheetsConfig(config);
  if (issue) throw new SheetsError('SHEETS_CONFIG_INVALID', issue.errorMessage, { mtsCode: issue.errorCode });
  const base = new URL(config.baseurl || SHEETS_API_URL);
  const root = `${base.origin}${base.pathname.replace(/\/+$/, '')}`;
  const rangeText = config.range ? config.range.trim() : null;
  return {
    spreadsheetUrl: `${root}/v4/spreadsheets/${encodeURIComponent(config.spreadsheetId)}`,
    rangeText,
    // checkSheetsConfig accepted the range, so it parses.
    range: rangeText ? parseA1Range(rangeText)! : {},
    header: config.header !== false,
    valueRenderOption: config.valueRenderOption ?? 'FORMATTED_VALUE',
  };
}
