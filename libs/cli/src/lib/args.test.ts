import { EXIT } from './exit-codes.js';
import { parseMapping, parseSeedArgs, USAGE } from './args.js';
import { runSeedCli } from '../cli.js';

const capture = () => {
  const out = { stdout: '', stderr: '' };
  return { out, stdout: { write: (t: string) => (out.stdout += t) }, stderr: { write: (t: string) => (out.stderr += t) } };
};

describe('mts-seed arguments', () => {
  it('reads formats from the extensions, defaults to embedded, concurrency 8, MTS_API_KEY for server mode', () => {
    const r = parseSeedArgs(['in.jsonl', '-o', 'out.json', '--server', 'http://h:8080/prefix'], { MTS_API_KEY: 'k' });
    expect(r).toEqual({ kind: 'run', options: expect.objectContaining({ inputFormat: 'ndjson', outputFormat: 'json', mode: 'server', apiKey: 'k', concurrency: 8, resume: false }) });
    const e = parseSeedArgs(['in.CSV', '-o', 'out.txt'], {});
    expect(e).toEqual({ kind: 'run', options: expect.objectContaining({ inputFormat: 'csv', outputFormat: 'csv', mode: 'embedded', apiKey: undefined }) });
  });

  it("embedded, the mandatory fields default to the service's setting; the flag wins", () => {
    const env = { TOKENSEEDER_AUTHTOKEN__MANDATORY_VALIDATION_AUTH_FIELDS: 'name, dob' };
    const opts = (argv: string[]) => (parseSeedArgs(argv, env) as { options: { mandatory?: string[] } }).options.mandatory;
    expect(opts(['a.csv', '-o', 'b.csv'])).toEqual(['name', 'dob']);
    expect(opts(['a.csv', '-o', 'b.csv', '--mandatory', 'gender'])).toEqual(['gender']);
    expect(opts(['a.csv', '-o', 'b.csv', '--server', 'http://h'])).toBeUndefined();
  });

  it('parses --mapping into MTS mapping, lists for name and fullAddress', () => {
    expect(parseMapping('vid=ID, name=first+last ,gender=sex,fullAddress=street')).toEqual({ vid: 'ID', name: ['first', 'last'], gender: 'sex', fullAddress: ['street'] });
    expect(() => parseMapping('dob=a+b')).toThrow('only name and fullAddress');
    expect(() => parseMapping('colour=x')).toThrow('unknown field "colour"');
    expect(() => parseMapping('vid')).toThrow('is not key=column');
  });

  it.each([
    [[], 'an input file is required'],
    [['a.csv'], '-o <output> is required'],
    [['a.csv', 'b.csv', '-o', 'x.csv'], 'give exactly one input file'],
    [['a.txt', '-o', 'x.csv'], 'cannot tell the format of the input'],
    [['a.csv', '-o', 'x.csv', '--output', 'xml'], '--output must be one of csv, json, ndjson'],
    [['a.csv', '-o', 'x.csv', '--concurrency', '0'], '--concurrency must be a whole number from 1 to 256'],
    [['a.csv', '-o', 'x.csv', '--server', 'ftp://h'], '--server must be an http or https URL'],
    [['a.csv', '-o', 'x.csv', '--server', 'http://h', '--embedded'], 'exclude each other'],
    [['a.csv', '-o', 'x.csv', '--server', 'http://h', '--mandatory', 'dob'], '--mandatory is a server setting'],
    [['a.csv', '-o', 'x.csv', '--mandatory', 'dob,shoeSize'], 'unknown field(s) shoeSize'],
    [['a.csv', '-o', 'x.csv', '--mapping', 'vid=a', '--mapping-file', 'm.json'], 'exclude each other'],
    [['a.csv', '-o', 'x.csv', '--frobnicate'], "Unknown option '--frobnicate'"],
    [['a.csv', '-o', 'x.csv', '--lang', 'english'], '--lang must be'],
  ])('usage error for %j: exit 2', async (argv, message) => {
    const io = capture();
    expect(await runSeedCli(argv, { env: {}, ...io })).toBe(EXIT.USAGE);
    expect(io.out.stderr).toContain(message);
    expect(io.out.stderr).toContain('mts-seed --help');
  });

  it('an outputFormat that does not compile is a usage error (ATS-REQ-103)', async () => {
    const io = capture();
    expect(await runSeedCli([__filename, '-o', '/nonexistent/x.csv', '--format', 'csv', '--output-format', '{ a: .output.vid'], { env: {}, ...io })).toBe(EXIT.USAGE);
    expect(io.out.stderr).toContain('--output-format: ATS-REQ-103');
  });

  it('--help prints the usage with every exit status and the journal note; --version the version', async () => {
    let io = capture();
    expect(await runSeedCli(['--help'], { env: {}, ...io })).toBe(0);
    expect(io.out.stdout).toBe(`${USAGE}\n`);
    for (const n of [0, 1, 2, 3, 4, 5, 6, 7, 8]) expect(io.out.stdout).toMatch(new RegExp(`\\b${n} [A-Za-z]`));
    expect(io.out.stdout).toContain('never the input\'s name, gender, dob');
    io = capture();
    expect(await runSeedCli(['--version'], { env: {}, ...io, version: '9.9.9' })).toBe(0);
    expect(io.out.stdout).toBe('9.9.9\n');
  });
});
