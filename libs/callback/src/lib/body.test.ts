import { jsonBody, multipartBody, singleJson } from './body.js';

const text = (body: string | Uint8Array | ReadableStream<Uint8Array>) => new Response(body).text();

describe('request bodies', () => {
  it('serialises a JSON array once and a single record as is', async () => {
    const arr = jsonBody([{ vid: 'a' }]);
    expect(arr.contentType).toBe('application/json');
    expect(await text(arr.open())).toBe('[{"vid":"a"}]');
    expect(await text(singleJson({ vid: 'b' }).open())).toBe('{"vid":"b"}');
  });

  it('re-opens a streamed source on every open(), so each attempt sends the whole body', async () => {
    let opened = 0;
    const body = jsonBody(async function* () {
      opened++;
      yield '[1,';
      yield new TextEncoder().encode('2]');
    });
    expect(await text(body.open())).toBe('[1,2]');
    expect(await text(body.open())).toBe('[1,2]');
    expect(opened).toBe(2);
  });

  it('sends CSV as one multipart file part named and filed under requestFileName', async () => {
    const body = multipartBody('tokens.csv', 'vid\n1\n');
    const boundary = /^multipart\/form-data; boundary=(.+)$/.exec(body.contentType)![1];
    expect(await text(body.open())).toBe(
      `--${boundary}\r\nContent-Disposition: form-data; name="tokens.csv"; filename="tokens.csv"\r\nContent-Type: text/csv\r\n\r\nvid\n1\n\r\n--${boundary}--\r\n`,
    );
    // A parser reads it back as one file part.
    const form = await new Response(body.open(), { headers: { 'content-type': body.contentType } }).formData();
    expect(await (form.get('tokens.csv') as File).text()).toBe('vid\n1\n');
  });

  it('escapes quotes and line breaks in the name instead of breaking the part header', async () => {
    const body = multipartBody('a"b\r\nc.csv', 'x');
    expect(await text(body.open())).toContain('name="a%22b%0D%0Ac.csv"; filename="a%22b%0D%0Ac.csv"');
  });
});
