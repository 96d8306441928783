import { sheetsInput } from '@mts/envelope';
import { pullSheetRows, SheetsError } from '@mts/parsers';
import type { InputSource } from '../source.js';

/**
 * POST authtoken/sheets: the worker reads a Google sheet with `request.sheetsconfig` (Sheets API v4, row windows of
 * `ctx.pageSize` rows, default 5000). A row's `lineNo` is its row number, so a re-read after a restart skips exactly
 * the rows already stored.
 */
export const sheetsSource: InputSource<'sheets'> = {
  kind: 'sheets',
  storedAs: ['sheets'],
  envelope: sheetsInput,
  intake: { type: 'pull' },
  read: (ctx) => {
    const config = ctx.config.sheetsconfig;
    // Checked at submission, so always there; a stored request without it still ends with a code, not a crash.
    if (!config) return failing(new SheetsError('SHEETS_CONFIG_INVALID', 'the request holds no sheetsconfig', { mtsCode: 'ATS-REQ-040' }));
    return pullSheetRows(config, {
      ...(ctx.fetch ? { fetch: ctx.fetch } : {}),
      ...(ctx.pageSize ? { windowRows: ctx.pageSize } : {}),
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
  },
};

async function* failing(error: Error): AsyncGenerator<never> {
  throw error;
}
