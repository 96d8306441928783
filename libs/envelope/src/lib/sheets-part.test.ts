import { generateKeyPairSync } from 'node:crypto';
import { createEnvelopeValidator } from './create-validator.js';
import { MTS_DELIVERIES, MTS_INPUTS } from './mts-parts.js';
import { checkSheetsConfig, sheetsInput } from './sheets-part.js';
import { columnLetters, columnNumber, parseA1Range, quoteSheetName } from './sheets-range.js';
import { toRequestConfig } from './request-config.js';

const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
const apiKey = { type: 'apiKey', apiKey: 'synthetic-key' };
const sa = { type: 'serviceAccount', clientEmail: 'reader@demo.iam.gserviceaccount.com', privateKey: rsa };
const { validate } = createEnvelopeValidator({ inputs: [...MTS_INPUTS, sheetsInput], deliveries: MTS_DELIVERIES });
const body = (request: Record<string, unknown>) => ({ id: 'x', version: '1', metadata: '', requesttime: '2026-01-01T00:00:00.000Z', request: { output: 'json', deliverytype: 'download', ...request } });
const codeOf = (sheetsconfig: unknown) => validate('sheets', body({ sheetsconfig })).map((i) => `${i.httpStatus} ${i.errorCode}`);

describe('parseA1Range', () => {
  it.each([
    ['Sheet1', { sheet: 'Sheet1' }],
    ['Sheet1!A1:F', { sheet: 'Sheet1', startCol: 1, startRow: 1, endCol: 6 }],
    ["'My Sheet'!A:F", { sheet: 'My Sheet', startCol: 1, endCol: 6 }],
    ["'It''s'!B2:AA10", { sheet: "It's", startCol: 2, startRow: 2, endCol: 27, endRow: 10 }],
    ["'Only name'", { sheet: 'Only name' }],
    ['B2:D', { startCol: 2, startRow: 2, endCol: 4 }],
    ['2:10', { startRow: 2, endRow: 10 }],
    ['C3', { startCol: 3, startRow: 3, endCol: 3, endRow: 3 }],
  ])('%s', (text, expected) => expect(parseA1Range(text)).toEqual(expected));

  it.each(['', 'My Sheet!A1:B2', 'A1:B2:C3', 'C1:A5', 'A5:A1', '5:A', 'A:5', "'unclosed!A1", 'Sheet1!', 'R1C1:R2C2x', 'A0:B1', 'AAAA1:B2', 'A', '!A1'])(
    'refuses %j',
    (text) => expect(parseA1Range(text)).toBeNull(),
  );

  it('converts columns both ways and quotes titles', () => {
    for (const [n, l] of [[1, 'A'], [26, 'Z'], [27, 'AA'], [702, 'ZZ'], [703, 'AAA'], [18278, 'ZZZ']] as const) {
      expect(columnLetters(n)).toBe(l);
      expect(columnNumber(l)).toBe(n);
    }
    expect(quoteSheetName("It's")).toBe("'It''s'");
    expect(parseA1Range(`${quoteSheetName("It's")}!A1`)?.sheet).toBe("It's");
  });
});

describe('POST authtoken/sheets envelope (ATS-REQ-040..048)', () => {
  it('accepts an API key config and a service account config', () => {
    expect(codeOf({ spreadsheetId: 'abc_DEF-123', auth: apiKey })).toEqual([]);
    expect(codeOf({ spreadsheetId: 'abc', range: "'People'!A1:F", header: false, valueRenderOption: 'UNFORMATTED_VALUE', baseurl: 'http://127.0.0.1:9', auth: { ...sa, tokenUri: 'http://127.0.0.1:9/token' } })).toEqual([]);
  });

  it.each([
    ['missing', undefined, '400 ATS-REQ-040'],
    ['null', null, '400 ATS-REQ-040'],
    ['empty', {}, '400 ATS-REQ-040'],
    ['no spreadsheetId', { auth: apiKey }, '400 ATS-REQ-041'],
    ['a spreadsheetId with a slash', { spreadsheetId: '../x', auth: apiKey }, '400 ATS-REQ-041'],
    ['bad range', { spreadsheetId: 'a', range: 'My Sheet!A1', auth: apiKey }, '400 ATS-REQ-042'],
    ['reversed range', { spreadsheetId: 'a', range: 'Z1:A1', auth: apiKey }, '400 ATS-REQ-042'],
    ['bad valueRenderOption', { spreadsheetId: 'a', valueRenderOption: 'PRETTY', auth: apiKey }, '400 ATS-REQ-048'],
    ['bad baseurl', { spreadsheetId: 'a', baseurl: 'sheets.googleapis.com', auth: apiKey }, '400 ATS-REQ-047'],
    ['no auth', { spreadsheetId: 'a' }, '400 ATS-REQ-043'],
    ['unknown auth type', { spreadsheetId: 'a', auth: { type: 'oauth' } }, '400 ATS-REQ-043'],
    ['empty apiKey', { spreadsheetId: 'a', auth: { type: 'apiKey', apiKey: ' ' } }, '400 ATS-REQ-044'],
    ['no clientEmail', { spreadsheetId: 'a', auth: { ...sa, clientEmail: undefined } }, '400 ATS-REQ-045'],
    ['no privateKey', { spreadsheetId: 'a', auth: { ...sa, privateKey: '' } }, '400 ATS-REQ-046'],
    ['a privateKey that is not PEM', { spreadsheetId: 'a', auth: { ...sa, privateKey: 'not a key' } }, '400 ATS-REQ-046'],
    ['a truncated PEM', { spreadsheetId: 'a', auth: { ...sa, privateKey: rsa.slice(0, 200) } }, '400 ATS-REQ-046'],
    ['an EC key', { spreadsheetId: 'a', auth: { ...sa, privateKey: ec } }, '400 ATS-REQ-046'],
    ['bad tokenUri', { spreadsheetId: 'a', auth: { ...sa, tokenUri: 'ftp://x/token' } }, '400 ATS-REQ-047'],
    ['a wrong type (schema)', { spreadsheetId: 5, auth: apiKey }, '422 ATS-REQ-102'],
    ['header not boolean (schema)', { spreadsheetId: 'a', header: 'no', auth: apiKey }, '422 ATS-REQ-102'],
  ])('%s', (_name, config, expected) => {
    expect(codeOf(config)).toEqual([expected]);
  });

  it('never echoes a credential in a message', () => {
    const issue = checkSheetsConfig({ spreadsheetId: 'a', auth: { ...sa, privateKey: 'SECRET-MATERIAL' } });
    expect(issue?.errorMessage).not.toContain('SECRET');
  });

  it('is kept in the stored request config', () => {
    const sheetsconfig = { spreadsheetId: 'a', auth: apiKey };
    expect(toRequestConfig({ output: 'csv', deliverytype: 'download', sheetsconfig }).sheetsconfig).toEqual(sheetsconfig);
    expect('sheetsconfig' in toRequestConfig({ output: 'csv', deliverytype: 'download' })).toBe(false);
  });
});
