import { validateEnvelope } from '@mts/envelope';
import { compileJq, JqError } from '@mts/jq';
import { FieldMappingError } from './errors.js';
import { compileOutputFormat, type DefaultOutputRecord } from './output-format.js';

const output: DefaultOutputRecord = { vid: '4565643452149', status: 'processed', token: 'TKN', errorCode: null, errorMessage: null };
const input = { vid: '4565643452149', name: 'Synthetic Person', phones: ['111', '222'] };

function codeOf(f: () => unknown): string | undefined {
  try { f(); } catch (e) { return (e as { code?: string }).code; }
  return undefined;
}

describe('compileOutputFormat', () => {
  it.each([false, null, undefined, '', '   '] as const)('treats %p as "no template" and returns the default record', (expr) => {
    expect(compileOutputFormat(expr)({ input, output })).toBe(output);
  });

  it('returns the first result only (MTS semantics)', () => {
    expect(compileOutputFormat('.input.phones[]')({ input, output })).toBe('111');
  });

  it('returns null when the expression yields nothing', () => {
    expect(compileOutputFormat('empty')({ input, output })).toBeNull();
    expect(compileOutputFormat('.input.phones[] | select(. == "999")')({ input, output })).toBeNull();
  });

  it('compiles once and evaluates per record', () => {
    const t = compileOutputFormat('{ pcn: .input.vid, authToken: .output.token, err: (.output.errorCode + "::" + .output.errorMessage) }');
    expect(t({ input, output })).toEqual({ pcn: '4565643452149', authToken: 'TKN', err: '::' });
    expect(t({ input: { vid: '2' }, output: { ...output, token: null, status: 'error', errorCode: 'IDA-MLC-009', errorMessage: 'm' } }))
      .toEqual({ pcn: '2', authToken: null, err: 'IDA-MLC-009::m' });
  });

  it('keeps the key order of the template (CSV headers depend on it)', () => {
    expect(Object.keys(compileOutputFormat('{ z: 1, a: 2, m: .output.vid }')({ input, output }) as object)).toEqual(['z', 'a', 'm']);
  });

  it('rejects an invalid expression with FieldMappingError ATS-REQ-103', () => {
    let caught: unknown;
    try { compileOutputFormat('{ a: .input.vid, '); } catch (e) { caught = e; }
    expect(caught).toBeInstanceOf(FieldMappingError);
    expect((caught as FieldMappingError).code).toBe('ATS-REQ-103');
    expect((caught as FieldMappingError).retryable).toBe(false);
  });

  // The expressions @mts/jq's differential corpus shows real jq refusing (JQ_PARSE), and the builtins it leaves out
  // on purpose (JQ_FORBIDDEN): every compile-time JqError reaches the caller as ATS-REQ-103, the JqError as cause.
  const PARSE_ERRORS = ['. as $x', 'reduce . as $x', 'if . then . else', '"\\(1;2)"', '[1,,2]', '.a.[', 'try', '{"a" 1}',
    'def f: .; f(1)', '"\\q"', '.a |', '{a: 1 + 2}', '[1, 2,]', '.a b', 'if . then 1', '"unterminated', '{(.a)}', 'foo(1)',
    'nosuchfn', '.[', '1 +', 'reduce . as $x (0)', '$undefined_var', '. as [$a | $a', '@nosuchformat', ')', '{a:1} ==', 'def f: 1; f(2)'];
  const FORBIDDEN = ['env', '$ENV', 'env.HOME', '$ENV.PATH', 'input', 'inputs', '[inputs]', 'debug', 'debug("x")', 'stderr',
    'input_filename', 'input_line_number', 'halt', 'halt_error', 'halt_error(1)', 'now', 'localtime', '$__prog_args',
    'import "a" as a; .', 'include "a"; .', 'get_search_list', '{a: env.SECRET}', '.a | debug'];
  it.each([...PARSE_ERRORS.map((e) => [e, 'JQ_PARSE']), ...FORBIDDEN.map((e) => [e, 'JQ_FORBIDDEN'])])(
    'rethrows the compile error of %s (%s) as ATS-REQ-103',
    (expr, jqCode) => {
      expect(() => compileJq(expr)).toThrow(expect.objectContaining({ code: jqCode }));
      let caught: unknown;
      try { compileOutputFormat(expr); } catch (e) { caught = e; }
      expect(caught).toBeInstanceOf(FieldMappingError);
      expect((caught as FieldMappingError).code).toBe('ATS-REQ-103');
      expect((caught as FieldMappingError).cause).toEqual(expect.objectContaining({ name: 'JqError', code: jqCode }));
    },
  );

  it('rejects a non-string outputFormat', () => {
    expect(codeOf(() => compileOutputFormat(42 as unknown as string))).toBe('ATS-REQ-103');
  });

  it('rejects access to the environment at submission (fixes MTS bug 7)', () => {
    expect(codeOf(() => compileOutputFormat('{ key: env.PARTNER_API_KEY }'))).toBe('ATS-REQ-103');
    expect(codeOf(() => compileOutputFormat('$ENV'))).toBe('ATS-REQ-103');
  });

  it('throws a JqError per record at run time, without data values in the message', () => {
    const t = compileOutputFormat('.input.name + 1');
    let caught: unknown;
    try { t({ input, output }); } catch (e) { caught = e; }
    expect(caught).toBeInstanceOf(JqError);
    expect((caught as JqError).code).toBe('JQ_RUNTIME');
    expect((caught as JqError).message).toBe('string and number cannot be added');
    expect((caught as JqError).message).not.toContain('Synthetic');
  });

  it('does not put the value given to error() in the message', () => {
    let caught: unknown;
    try { compileOutputFormat('error(.input.name)')({ input, output }); } catch (e) { caught = e; }
    expect((caught as JqError).code).toBe('JQ_RUNTIME');
    expect((caught as JqError).message).not.toContain('Synthetic');
  });
});

// compileOutputFormat is the compiler @mts/envelope's validateEnvelope takes for its ATS-REQ-103 check (the API passes it).
describe('validateEnvelope with compileOutputFormat (moved from the envelope tests)', () => {
  const jsonBody = (outputFormat: unknown) => ({
    id: 'string', version: 'string', metadata: 'string', requesttime: '2024-05-01T10:20:30.123Z',
    request: { output: 'json', deliverytype: 'download', authdata: [{ vid: '1' }], outputFormat },
  });
  const codes = (outputFormat: unknown) => validateEnvelope('json', jsonBody(outputFormat), { compileOutputFormat }).map((i) => `${i.httpStatus} ${i.errorCode} ${i.errorMessage}`);

  it('accepts a valid template and rejects an invalid one with 103', () => {
    expect(codes('{vid: .output.vid, t: (.output.token // "")}')).toEqual([]);
    expect(codes('{vid: .output.vid')).toEqual(['400 ATS-REQ-103 outputFormat is not a valid jq expression']);
    expect(codes('$ENV.TOKENSEEDER_KEY')).toEqual(['400 ATS-REQ-103 outputFormat is not a valid jq expression']);
  });

  it('can be switched off with compileOutputFormat: null', () => {
    expect(validateEnvelope('json', jsonBody('{vid: .output.vid'), { compileOutputFormat: null })).toEqual([]);
  });
});
