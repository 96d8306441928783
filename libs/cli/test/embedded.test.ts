// mts-seed embedded, in process, against the IDA sandbox: rows in input order with tokens and codes, formats,
// templates, the journal's contents, the exit codes for record errors, unreadable input (an MTS envelope too), an
// existing journal and unusable or missing partner settings.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSandbox, type RunningSandbox } from '@mts/ida-sandbox';
import { createTempDir, type TempDir } from '@mts/testing';
import { runSeedCli } from '../src/index.js';
import { capture, CSV_MAPPING, parseCsvRows, people, sandboxEnv, writeCsv, type Person } from './helpers.js';

jest.setTimeout(60_000);

let dir: TempDir;
let sandbox: RunningSandbox;
let env: Record<string, string>;
let rows: Person[];

beforeAll(async () => {
  dir = await createTempDir('cli-embedded-');
  sandbox = await startSandbox({ dataDir: join(dir.path, 'ida'), identityCount: 30, latencyMs: 0 });
  env = sandboxEnv(sandbox);
  rows = people(sandbox, 60);
});
afterAll(async () => {
  await sandbox?.close();
  await dir?.remove();
});

const known = () => sandbox.identities.filter((i) => i.status === 'ACTIVATED' && !i.demoAuthLocked).length;

describe('mts-seed embedded', () => {
  it('writes one CSV row per record in input order: tokens, IDA errors, invalid records; exit 1 with record errors', async () => {
    const input = writeCsv(join(dir.path, 'people.csv'), rows);
    const out = join(dir.path, 'out.csv');
    const io = capture();
    const code = await runSeedCli([input, '-o', out, '--mapping', CSV_MAPPING, '--concurrency', '4'], { env, ...io });
    expect(io.out.stderr).toMatch(/^mts-seed: 60 records: \d+ with a token, \d+ error, 1 invalid in \d+s; output /m);
    expect(code).toBe(1);
    const got = parseCsvRows(readFileSync(out, 'utf8'));
    expect(got).toHaveLength(60);
    expect(Object.keys(got[0]!)).toEqual(['vid', 'status', 'token', 'errorCode', 'errorMessage']);
    expect(got.map((r) => r.vid)).toEqual(rows.map((p) => p.vid));
    const withToken = got.filter((r) => r.status === 'processed');
    expect(withToken.length).toBeGreaterThanOrEqual(known() - 2);
    for (const r of withToken) expect(r.token).toMatch(/^\S{10,}$/);
    expect(got[49]).toMatchObject({ status: 'invalid', errorCode: 'ATS-REQ-004', token: '' });
    expect(got[59]).toMatchObject({ status: 'error', token: '', errorCode: expect.stringMatching(/^IDA-/) });
    // Finished: the journal is gone and nothing else is left next to the output.
    expect(existsSync(`${out}.journal`)).toBe(false);
    expect(existsSync(`${out}.part`)).toBe(false);
    // No input demographic reached stderr.
    expect(io.out.stderr).not.toContain(rows[0]!.name);
  });

  it('exits 0 when every record has a token; JSON and NDJSON in and out, by extension', async () => {
    const good = rows.slice(0, 10).filter((p) => p.gender !== '');
    const input = join(dir.path, 'good.ndjson');
    writeFileSync(input, good.map((p) => JSON.stringify(p)).join('\n') + '\n');
    const out = join(dir.path, 'good.json');
    const io = capture();
    expect(await runSeedCli([input, '-o', out, '--quiet'], { env, ...io })).toBe(0);
    expect(io.out.stderr).toBe('');
    const json = JSON.parse(readFileSync(out, 'utf8')) as { vid: string; status: string }[];
    expect(json.map((r) => [r.vid, r.status])).toEqual(good.map((p) => [p.vid, 'processed']));

    const arrayIn = join(dir.path, 'good.json');
    const ndOut = join(dir.path, 'good.out.ndjson');
    writeFileSync(arrayIn, JSON.stringify(good));
    expect(await runSeedCli([arrayIn, '-o', ndOut, '--quiet'], { env, ...capture() })).toBe(0);
    const nd = readFileSync(ndOut, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(nd.map((r) => r.vid)).toEqual(good.map((p) => p.vid));
  });

  it('on a TTY, progress is one line rewritten in place, then the summary on its own line', async () => {
    const input = writeCsv(join(dir.path, 'tty.csv'), rows.slice(0, 20).map((p, i) => ({ ...p, vid: String(8200000000 + i) })));
    const io = capture(true);
    expect(await runSeedCli([input, '-o', join(dir.path, 'tty.out.csv'), '--mapping', CSV_MAPPING], { env, ...io })).toBe(1);
    expect(io.out.stderr).toMatch(/^\r\x1b\[Kmts-seed: \d+ records, [\d.]+\/s, \d+%/);
    const lines = io.out.stderr.split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/\r\x1b\[Kmts-seed: 20 records: \d+ with a token, \d+ error, 0 invalid in \d+s; output \S+$/);
  });

  it('applies --output-format, and the journal holds only what the output holds', async () => {
    const input = writeCsv(join(dir.path, 'tpl.csv'), rows.slice(0, 5));
    const out = join(dir.path, 'tpl.json');
    const io = capture();
    // SIGINT before the start: the run stops at once, leaving the journal to look at.
    const stop = new AbortController();
    stop.abort();
    const tpl = '{ id: .output.vid, t: .output.token, s: .output.status }';
    expect(await runSeedCli([input, '-o', out, '--mapping', CSV_MAPPING, '--output-format', tpl], { env, ...io, signal: stop.signal })).toBe(5);
    expect(io.out.stderr).toContain('--resume');
    expect(existsSync(out)).toBe(false);
    expect(await runSeedCli([input, '-o', out, '--mapping', CSV_MAPPING, '--output-format', tpl], { env, ...capture() })).toBe(2);
    // Resume with a journal kept: the rows are the template's, and the journal never holds a name, gender or dob.
    const journalPath = `${out}.journal`;
    const copy = join(dir.path, 'tpl.copy');
    const seen: string[] = [];
    const watch = setInterval(() => existsSync(journalPath) && seen.push(readFileSync(journalPath, 'utf8')), 5);
    try {
      expect(await runSeedCli([input, '-o', out, '--mapping', CSV_MAPPING, '--output-format', tpl, '--resume'], { env, ...capture() })).toBe(0);
    } finally {
      clearInterval(watch);
    }
    writeFileSync(copy, seen.join('\n'));
    const text = readFileSync(copy, 'utf8');
    for (const p of rows.slice(0, 5)) for (const v of [p.name, p.dob, p.fullAddress]) expect(text.includes(v)).toBe(false);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(rows.slice(0, 5).map((p) => ({ id: p.vid, t: expect.any(String), s: 'processed' })));
  });

  it('a resume with other options or another input is refused (exit 2); --resume without a journal too', async () => {
    const input = writeCsv(join(dir.path, 'r.csv'), rows.slice(0, 3));
    const out = join(dir.path, 'r.csv.out.csv');
    const stop = new AbortController();
    stop.abort();
    expect(await runSeedCli([input, '-o', out, '--mapping', CSV_MAPPING], { env, ...capture(), signal: stop.signal })).toBe(5);
    let io = capture();
    expect(await runSeedCli([input, '-o', out, '--mapping', CSV_MAPPING, '--lang', 'fra', '--resume'], { env, ...io })).toBe(2);
    expect(io.out.stderr).toContain('belongs to another run');
    io = capture();
    expect(await runSeedCli([input, '-o', join(dir.path, 'none.csv'), '--resume'], { env, ...io })).toBe(2);
    expect(io.out.stderr).toContain('no journal');
  });

  it('exit 3 for an unreadable input, 4 for unusable partner settings (no secret printed)', async () => {
    let io = capture();
    expect(await runSeedCli([join(dir.path, 'missing.csv'), '-o', join(dir.path, 'm.csv')], { env, ...io })).toBe(3);
    expect(io.out.stderr).toContain('cannot read the input (ENOENT)');
    const input = writeCsv(join(dir.path, 'x.csv'), rows.slice(0, 2));
    io = capture();
    const bad = { ...env, TOKENSEEDER_CRYPTO_SIGNATURE__SIGN_P12_FILE_PASSWORD: 'wrong-password-123' };
    expect(await runSeedCli([input, '-o', join(dir.path, 'x.out.csv'), '--mapping', CSV_MAPPING], { env: bad, ...io })).toBe(4);
    expect(io.out.stderr).toMatch(/AUT_CRY_002/);
    expect(io.out.stderr).not.toContain('wrong-password-123');
    expect(io.out.stderr).not.toContain(sandbox.partner.apiKey);
    expect(existsSync(join(dir.path, 'x.out.csv.journal'))).toBe(false);
  });

  it('exit 4 for missing partner settings, naming the TOKENSEEDER_* variables (not config keys)', async () => {
    const input = writeCsv(join(dir.path, 'unset.csv'), rows.slice(0, 2));
    const { TOKENSEEDER_MOSIP_AUTH_SERVER__IDA_AUTH_URL: _url, TOKENSEEDER_CRYPTO_SIGNATURE__SIGN_P12_FILE_PASSWORD: _pw, ...partial } = env;
    const io = capture();
    expect(await runSeedCli([input, '-o', join(dir.path, 'unset.out.csv'), '--mapping', CSV_MAPPING], { env: partial, ...io })).toBe(4);
    expect(io.out.stderr).toContain('AUT_CFG_001');
    expect(io.out.stderr).toContain('TOKENSEEDER_MOSIP_AUTH_SERVER__IDA_AUTH_URL is required');
    expect(io.out.stderr).toContain('TOKENSEEDER_CRYPTO_SIGNATURE__SIGN_P12_FILE_PASSWORD is required');
    expect(io.out.stderr).not.toMatch(/idaAuthUrl|signP12Password/);
    expect(io.out.stderr).not.toContain(sandbox.partner.apiKey);
    expect(existsSync(join(dir.path, 'unset.out.csv.journal'))).toBe(false);
  });

  it('exit 3 for an MTS request envelope (docs/examples/sample.json): it names it and asks for the records', async () => {
    const envelope = join(__dirname, '../../../docs/examples/sample.json');
    for (const mode of [[], ['--server', 'http://127.0.0.1:9']]) {
      const io = capture();
      const out = join(dir.path, `envelope${mode.length}.csv`);
      expect(await runSeedCli([envelope, '-o', out, ...mode], { env, ...io })).toBe(3);
      expect(io.out.stderr).toContain('the input is an MTS request envelope');
      expect(io.out.stderr).toContain('a JSON array, NDJSON or CSV');
      expect(existsSync(`${out}.journal`)).toBe(false);
      expect(existsSync(out)).toBe(false);
    }
    // Any other single object: not records either.
    const object = join(dir.path, 'object.json');
    writeFileSync(object, JSON.stringify(rows[0]));
    const io = capture();
    expect(await runSeedCli([object, '-o', join(dir.path, 'object.out.csv')], { env, ...io })).toBe(3);
    expect(io.out.stderr).toContain('the input is a JSON object, not records');
  });

  it('exit 4 when IDA is unreachable; finished records stay journaled for --resume', async () => {
    const input = writeCsv(join(dir.path, 'down.csv'), rows.slice(0, 4));
    const out = join(dir.path, 'down.out.csv');
    const down = { ...env, TOKENSEEDER_MOSIP_AUTH_SERVER__IDA_AUTH_URL: 'http://127.0.0.1:9/idauthentication/v1/auth' };
    const io = capture();
    expect(await runSeedCli([input, '-o', out, '--mapping', CSV_MAPPING], { env: down, ...io, retryDelaysMs: [10] })).toBe(4);
    expect(io.out.stderr).toMatch(/IDA is unreachable \(AUT_BAS_001\)/);
    expect(existsSync(`${out}.journal`)).toBe(true);
    expect(await runSeedCli([input, '-o', out, '--mapping', CSV_MAPPING, '--resume'], { env, ...capture() })).toBe(0);
    expect(parseCsvRows(readFileSync(out, 'utf8')).map((r) => r.status)).toEqual(['processed', 'processed', 'processed', 'processed']);
  });
});
