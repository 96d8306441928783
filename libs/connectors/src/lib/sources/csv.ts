import { csvInput } from '@mts/envelope';
import { parseCsv } from '@mts/parsers';
import type { InputSource } from '../source.js';

/**
 * POST authtoken/csv: a multipart `csv_file` (UTF-8, header row first; with `request.csvHeader: false` no header, and
 * the columns are "0", "1", … for the mapping) and the envelope as the `request` field.
 */
export const csvSource: InputSource<'csv'> = {
  kind: 'csv',
  storedAs: ['csv'],
  envelope: csvInput,
  intake: {
    type: 'upload',
    field: 'csv_file',
    // MTS's own answer (authtoken.py) when the form has no csv_file.
    missing: { code: 'ATS-REQ-102', message: 'invalid input. requires CSV file' },
    check: (facts, request) => {
      if (facts.binary) return { code: 'ATS-REQ-102', message: 'Invalid Input. csv_file is not UTF-8 text' };
      if (facts.nonBlankLines === 0) return { code: 'ATS-REQ-102', message: 'Invalid Input. csv_file is empty' };
      if (facts.nonBlankLines === 1 && request?.csvHeader !== false) return { code: 'ATS-REQ-102', message: 'Invalid Input. csv_file has a header but no records' };
      return null;
    },
  },
  read: (ctx) => parseCsv(ctx.openInput(), { delimiter: ctx.config.csvDelimiter ?? ',', header: ctx.config.csvHeader !== false }),
};
