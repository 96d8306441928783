import { createEnvelopeValidator } from './create-validator.js';
import { issue } from './envelope-rules.js';
import { EnvelopeError } from './errors.js';
import { downloadDelivery, MTS_DELIVERIES, MTS_INPUTS } from './mts-parts.js';
import type { DeliveryEnvelopePart, EnvelopeIssue, InputEnvelopePart } from './parts.js';

const base = (request: Record<string, unknown>) => ({ id: 'string', version: 'string', metadata: 'string', requesttime: '2024-05-01T10:20:30.123Z', request });
const codes = (issues: EnvelopeIssue[]) => issues.map((i) => `${i.httpStatus} ${i.errorCode} ${i.errorMessage}`);

// A made-up input and delivery, declared the way a new plug-in would declare them.
const sheetsInput: InputEnvelopePart<'sheets'> = {
  kind: 'sheets',
  key: 'sheetsconfig',
  required: true,
  schema: { type: 'object', required: ['sheetId'], properties: { sheetId: { type: 'string' } } },
  check: (cfg) => ((cfg as { sheetId: string }).sheetId === '' ? [issue('ATS-REQ-200', 'no sheet id provided')] : []),
};
const websubDelivery: DeliveryEnvelopePart = {
  deliverytype: 'websub',
  key: 'websubProperties',
  schema: { type: ['object', 'null'], properties: { topic: { type: 'string' } } },
  rule: (props) => (props ? [] : [issue('ATS-REQ-201', 'websubProperties cannot be empty for deliverytype websub')]),
};
const { validate, schemas } = createEnvelopeValidator({ inputs: [...MTS_INPUTS, sheetsInput], deliveries: [...MTS_DELIVERIES, websubDelivery] });
const sheets = (request: Record<string, unknown>) => codes(validate('sheets', base({ output: 'json', deliverytype: 'download', sheetsconfig: { sheetId: 's' }, ...request })));

describe('createEnvelopeValidator: parts as plug-ins', () => {
  it('accepts a registered input and delivery, and lists the delivery in deliverytype', () => {
    expect(sheets({})).toEqual([]);
    expect(sheets({ deliverytype: 'websub', websubProperties: { topic: 't' } })).toEqual([]);
    expect(codes(validate('json', base({ output: 'json', deliverytype: 'websub', websubProperties: { topic: 't' }, authdata: [{ vid: '1' }] })))).toEqual([]);
    expect(schemas.sheets).toMatchObject({ properties: { request: { properties: { deliverytype: { enum: ['download', 'callback', 'websub'] } } } } });
  });

  it("runs a delivery's rule only for its deliverytype, and before the input's rule (MTS's field order)", () => {
    expect(sheets({ websubProperties: null })).toEqual([]);
    expect(sheets({ deliverytype: 'websub' })).toEqual(['400 ATS-REQ-201 websubProperties cannot be empty for deliverytype websub']);
    expect(codes(validate('json', base({ output: 'json', deliverytype: 'websub', authdata: [] })))).toEqual(['400 ATS-REQ-201 websubProperties cannot be empty for deliverytype websub']);
  });

  it("checks a delivery's field against its schema only when it is the chosen delivery", () => {
    expect(sheets({ websubProperties: { topic: 5 } })).toEqual([]);
    expect(sheets({ deliverytype: 'websub', websubProperties: { topic: 5 } })).toEqual(['422 ATS-REQ-102 Invalid Input. request.websubProperties.topic: str type expected']);
  });

  it("reports an input's required field as a schema error and runs its check after the schema", () => {
    expect(sheets({ sheetsconfig: undefined })).toEqual(['422 ATS-REQ-102 Invalid Input. request.sheetsconfig: field required']);
    expect(sheets({ sheetsconfig: { sheetId: '' } })).toEqual(['400 ATS-REQ-200 no sheet id provided']);
    expect(sheets({ sheetsconfig: { sheetId: '' }, lang: 5 })).toEqual(['422 ATS-REQ-102 Invalid Input. request.lang: str type expected']);
  });

  it('refuses a deliverytype nobody registered', () => {
    const downloadOnly = createEnvelopeValidator({ inputs: MTS_INPUTS, deliveries: [downloadDelivery] });
    const body = base({ output: 'json', deliverytype: 'callback', callbackProperties: { url: 'http://cb.local/x' }, authdata: [{ vid: '1' }] });
    expect(codes(downloadOnly.validate('json', body))).toEqual(['400 ATS-REQ-102 invalid input. delivery type is not supported']);
  });

  it('applies default options, which a call can override', () => {
    const strict = createEnvelopeValidator({
      inputs: MTS_INPUTS,
      deliveries: MTS_DELIVERIES,
      defaults: {
        compileOutputFormat: () => {
          throw new Error('no');
        },
      },
    });
    const body = base({ output: 'json', deliverytype: 'download', outputFormat: '.x', authdata: [{ vid: '1' }] });
    expect(codes(strict.validate('json', body))).toEqual(['400 ATS-REQ-103 outputFormat is not a valid jq expression']);
    expect(strict.validate('json', body, { compileOutputFormat: null })).toEqual([]);
  });

  it('throws EnvelopeError for an unknown kind and for two parts with one key', () => {
    const unknown = () => validate('xml' as never, {});
    expect(unknown).toThrow(EnvelopeError);
    expect(unknown).toThrow(expect.objectContaining({ code: 'ENVELOPE_UNKNOWN_KIND', retryable: false }));
    expect(() => createEnvelopeValidator({ inputs: [...MTS_INPUTS, { kind: 'json' }], deliveries: MTS_DELIVERIES })).toThrow(
      expect.objectContaining({ code: 'ENVELOPE_INVALID_PARTS' }),
    );
    expect(() => createEnvelopeValidator({ inputs: MTS_INPUTS, deliveries: [downloadDelivery, downloadDelivery] })).toThrow(
      expect.objectContaining({ code: 'ENVELOPE_INVALID_PARTS' }),
    );
  });
});
