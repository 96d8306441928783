import { toRequestConfig } from './request-config.js';

describe('toRequestConfig', () => {
  const callbackProperties = { url: 'http://cb.local/x', authType: 'none' };
  const odkconfig = { baseurl: 'https://odk.local', email: 'e@x.org', password: 'pw', projectid: 5, formid: 'f' };

  it('keeps the request without its records, defaults explicit', () => {
    const request = { output: 'csv', deliverytype: 'callback', mapping: { vid: 'id' }, lang: 'fra', outputFormat: '.output', callbackProperties, odkconfig, csvDelimiter: ';', authdata: [{ vid: '1' }] };
    expect(toRequestConfig(request)).toEqual({ output: 'csv', deliverytype: 'callback', mapping: { vid: 'id' }, lang: 'fra', outputFormat: '.output', callbackProperties, odkconfig, csvDelimiter: ';' });
  });

  it('keeps each output format (csv, json, ndjson)', () => {
    for (const output of ['csv', 'json', 'ndjson']) expect(toRequestConfig({ output, deliverytype: 'download' }).output).toBe(output);
  });

  it('treats a missing, false or null outputFormat as the default record, and absent objects as null', () => {
    for (const outputFormat of [undefined, false, null]) {
      expect(toRequestConfig({ output: 'json', deliverytype: 'download', outputFormat })).toEqual({
        output: 'json',
        deliverytype: 'download',
        mapping: undefined,
        lang: undefined,
        outputFormat: null,
        callbackProperties: null,
        odkconfig: null,
        csvDelimiter: undefined,
      });
    }
  });
});
