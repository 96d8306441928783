import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeIda } from '../test/fake-ida.js';
import { IDAP_CERT_PEM, PARTNER_P12_BASE64, PARTNER_P12_PASSWORD } from '../test/fixtures.js';
import { runCli } from './cli.js';

let dir: string;
let env: NodeJS.ProcessEnv;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mts-auth-cli-'));
  writeFileSync(join(dir, 'ida.cer'), IDAP_CERT_PEM);
  writeFileSync(join(dir, 'partner.p12'), Buffer.from(PARTNER_P12_BASE64, 'base64'));
  writeFileSync(
    join(dir, 'record.json'),
    JSON.stringify({ vid: '4709125830126431', name: [{ language: 'eng', value: 'Test Person' }], gender: 'Female', dob: '1990/01/05' }),
  );
  env = {
    TOKENSEEDER_MOSIP_AUTH__PARTNER_ID: 'mpartner-test',
    TOKENSEEDER_MOSIP_AUTH__PARTNER_APIKEY: 'api-key-secret',
    TOKENSEEDER_MOSIP_AUTH__PARTNER_MISP_LK: 'misp-secret',
    TOKENSEEDER_MOSIP_AUTH_SERVER__IDA_AUTH_URL: 'http://ida.test/idauthentication/v1/auth',
    TOKENSEEDER_CRYPTO_ENCRYPT__ENCRYPT_CERT_PATH: join(dir, 'ida.cer'),
    TOKENSEEDER_CRYPTO_SIGNATURE__SIGN_P12_FILE_PATH: join(dir, 'partner.p12'),
    TOKENSEEDER_CRYPTO_SIGNATURE__SIGN_P12_FILE_PASSWORD: PARTNER_P12_PASSWORD,
  };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function capture() {
  const out = { stdout: '', stderr: '' };
  return { out, stdout: { write: (t: string) => (out.stdout += t) }, stderr: { write: (t: string) => (out.stderr += t) } };
}

describe('mts-auth demoauth', () => {
  it("prints IDA's JSON answer and exits 0 on authStatus true", async () => {
    const ida = createFakeIda();
    const io = capture();
    const code = await runCli(['demoauth', join(dir, 'record.json'), '--id-type', 'VID'], { env, ...io, transport: ida.transport });
    expect(code).toBe(0);
    expect(JSON.parse(io.out.stdout)).toMatchObject({ response: { authStatus: true } });
    expect(ida.seen[0].outer).toMatchObject({ individualId: '4709125830126431', individualIdType: 'VID' });
    expect(ida.seen[0].inner.demographics).toEqual({
      name: [{ language: 'eng', value: 'Test Person' }], gender: [{ language: 'eng', value: 'Female' }], dob: '1990/01/05',
    });
  });

  it('exits 2 when IDA answers authStatus false', async () => {
    const ida = createFakeIda({ answer: () => ({ errors: [{ errorCode: 'IDA-MLC-018', errorMessage: 'x' }], response: { authStatus: false } }) });
    const io = capture();
    expect(await runCli(['demoauth', join(dir, 'record.json')], { env, ...io, transport: ida.transport })).toBe(2);
    expect(io.out.stdout).toContain('IDA-MLC-018');
  });

  it('exits 1 with a typed message and no secrets for a wrong password', async () => {
    const io = capture();
    const bad = { ...env, TOKENSEEDER_CRYPTO_SIGNATURE__SIGN_P12_FILE_PASSWORD: 'wrong-pw-123' };
    expect(await runCli(['demoauth', join(dir, 'record.json')], { env: bad, ...io, transport: createFakeIda().transport })).toBe(1);
    expect(io.out.stderr).toMatch(/^mts-auth: AUT_CRY_002: /);
    expect(io.out.stderr).not.toMatch(/wrong-pw-123|api-key-secret|misp-secret/);
  });

  it('exits 1 on usage errors and unreadable records, and names missing settings', async () => {
    let io = capture();
    expect(await runCli(['demoauth'], { env, ...io })).toBe(1);
    expect(io.out.stderr).toContain('usage: mts-auth demoauth');
    io = capture();
    expect(await runCli(['demoauth', join(dir, 'missing.json')], { env, ...io })).toBe(1);
    expect(io.out.stderr).toContain('cannot read record file (ENOENT)');
    io = capture();
    expect(await runCli(['demoauth', join(dir, 'record.json')], { env: {}, ...io })).toBe(1);
    // Named as the user sets them (as the worker does), never by the config key.
    expect(io.out.stderr).toMatch(/AUT_CFG_001.*TOKENSEEDER_MOSIP_AUTH_SERVER__IDA_AUTH_URL is required/);
    expect(io.out.stderr).toContain('TOKENSEEDER_CRYPTO_SIGNATURE__SIGN_P12_FILE_PASSWORD is required');
    expect(io.out.stderr).not.toMatch(/idaAuthUrl|signP12Password/);
  });

  it('counts a flag as its setting: only what neither flag nor environment gives is reported', async () => {
    const { TOKENSEEDER_MOSIP_AUTH_SERVER__IDA_AUTH_URL: _url, TOKENSEEDER_MOSIP_AUTH__PARTNER_ID: _id, ...partial } = env;
    let io = capture();
    expect(await runCli(['demoauth', join(dir, 'record.json'), '--ida-url', 'http://ida.test/idauthentication/v1/auth'], { env: partial, ...io })).toBe(1);
    expect(io.out.stderr).toBe('mts-auth: AUT_CFG_001: Invalid authenticator configuration: TOKENSEEDER_MOSIP_AUTH__PARTNER_ID is required\n');
    io = capture();
    const args = ['demoauth', join(dir, 'record.json'), '--ida-url', 'http://ida.test/idauthentication/v1/auth', '--partner-id', 'mpartner-test', '--timeout-ms', '5000'];
    expect(await runCli(args, { env: partial, ...io, transport: createFakeIda().transport })).toBe(0);
  });
});
