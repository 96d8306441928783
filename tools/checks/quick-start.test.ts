// The README's Quick start, as a user runs it: `npm start` (tools/scripts/start.mjs) on a fresh data dir, the curl
// command it prints for docs/examples/sample.csv, then status and download, every other command it prints (inputs,
// deliveries, mts-auth and mts-seed with the partner.env it writes), then Ctrl-C to the whole process group (what a
// terminal sends); and a taken port, refused before anything starts. Runs the built service: CI builds first;
// locally start.mjs builds when dist is missing.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
jest.setTimeout(240_000);

const freePort = () =>
  new Promise<number>((done) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => done(port));
    });
  });

function waitForLine(child: ChildProcess, pattern: RegExp, lines: string[]): Promise<void> {
  return new Promise((done, fail) => {
    const onData = () => {
      if (lines.some((l) => pattern.test(l))) {
        child.stdout!.off('data', onData);
        done();
      }
    };
    child.stdout!.on('data', (chunk: Buffer) => {
      lines.push(...chunk.toString('utf8').split('\n'));
      onData();
    });
    child.once('exit', (code) => fail(new Error(`start.mjs exited (${code}) before printing ${pattern}`)));
  });
}

async function json(url: string): Promise<{ response: Record<string, unknown> | null; errors: unknown }> {
  return (await fetch(url)).json() as never;
}

describe('Quick start (npm start)', () => {
  let dataDir: string;
  let child: ChildProcess | undefined;

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'quick-start-'));
  });
  afterAll(() => {
    if (child && child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves the sample CSV with the printed command, then stops on Ctrl-C', async () => {
    const port = await freePort();
    // detached: a process group of its own, so the Ctrl-C below reaches every process as a terminal's would.
    child = spawn(process.execPath, ['tools/scripts/start.mjs'], {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PORT: String(port), MTS_DATA_DIR: dataDir, MTS_LOG_LEVEL: 'warn' },
    });
    const lines: string[] = [];
    child.stderr!.on('data', (c: Buffer) => lines.push(...c.toString('utf8').split('\n')));
    await waitForLine(child, /Ctrl-C stops/, lines);

    // The printed submission command, run as printed.
    const curl = lines.find((l) => l.includes('curl -s -F'))!.trim();
    const submitted = spawnSync('sh', ['-c', curl], { cwd: ROOT, encoding: 'utf8' });
    expect(submitted.status).toBe(0);
    const reply = JSON.parse(submitted.stdout) as { response: { request_identifier: string }; errors: unknown };
    expect(reply.errors).toBeNull();
    const id = reply.response.request_identifier;

    const api = `http://127.0.0.1:${port}`;
    let status: Record<string, unknown> = {};
    for (let i = 0; i < 600 && !/^(processed|error_)/.test(String(status.status)); i++) {
      await new Promise((r) => setTimeout(r, 100));
      status = (await json(`${api}/authtoken/status/${id}`)).response ?? {};
    }
    // sample.csv: 20 rows; most yield tokens, four fail at IDA (unknown id, mismatches), one is invalid.
    expect(status.status).toBe('processed_with_errors');
    const download = await fetch(`${api}/authtoken/file/${id}`);
    expect(download.status).toBe(200);
    const rows = (await download.text()).trim().split(/\r?\n/); // RFC 4180 CRLF, as Python's csv writes
    expect(rows[0]).toBe('vid,status,token,errorCode,errorMessage');
    const byStatus = (s: string) => rows.slice(1).filter((r) => r.split(',')[1] === s);
    expect(byStatus('processed').length).toBe(15);
    expect(byStatus('error').length).toBe(4);
    expect(byStatus('invalid').length).toBe(1);
    expect(byStatus('processed').every((r) => /^[^,]+,processed,[A-Za-z0-9_-]{20,},,$/.test(r))).toBe(true);

    // Every other command it prints for an input or a delivery, run as printed, against the demo's stand-ins.
    const finish = async (requestId: string) => {
      let s: Record<string, unknown> = {};
      for (let i = 0; i < 600 && !/^(processed|error_)/.test(String(s.status)); i++) {
        await new Promise((r) => setTimeout(r, 100));
        s = (await json(`${api}/authtoken/status/${requestId}`)).response ?? {};
      }
      return s;
    };
    const others = lines.map((l) => l.trim()).filter((l) => /^curl -s .*\/authtoken\/(sheets|formio|odk|json|vc|csv)/.test(l) && l !== curl);
    const kinds = others.map((l) => /authtoken\/(\w+)/.exec(l)![1] + (l.includes('"deliverytype":"websub"') ? '→websub' : ''));
    expect(kinds).toEqual(['sheets', 'formio', 'odk', 'json', 'vc', 'csv→websub']);
    // docs/examples/sample.json and sample.csv have their known failures; the stand-ins hold only the sandbox's people.
    const withErrors = new Set(['json', 'csv→websub']);
    for (const [k, command] of others.entries()) {
      const run = spawnSync('sh', ['-c', command], { cwd: ROOT, encoding: 'utf8' });
      expect({ kind: kinds[k], status: run.status }).toEqual({ kind: kinds[k], status: 0 });
      const answer = JSON.parse(run.stdout) as { response: { request_identifier: string } | null; errors: unknown };
      expect({ kind: kinds[k], errors: answer.errors }).toEqual({ kind: kinds[k], errors: null });
      const ended = await finish(answer.response!.request_identifier);
      // The demo sheet and form hold only the sandbox's real people; the sample CSV has its known failures.
      expect({ kind: kinds[k], status: ended.status }).toEqual({ kind: kinds[k], status: withErrors.has(kinds[k]!) ? 'processed_with_errors' : 'processed' });
    }
    // The demo subscriber got the published CSV, signed.
    const received = () => lines.some((l) => /"msg":"subscriber received".*"signatureValid":true/.test(l));
    for (let i = 0; i < 300 && !received(); i++) await new Promise((r) => setTimeout(r, 100));
    expect(received()).toBe(true);

    // mts-auth and mts-seed as printed: the sandbox's partner settings come from the partner.env it wrote, private.
    const partnerEnv = join(dataDir, 'ida-sandbox', 'partner.env');
    expect(statSync(partnerEnv).mode & 0o777).toBe(0o600);
    const secrets = readFileSync(partnerEnv, 'utf8')
      .split('\n')
      .filter((l) => /^TOKENSEEDER_(MOSIP_AUTH__PARTNER_APIKEY|MOSIP_AUTH__PARTNER_MISP_LK|CRYPTO_SIGNATURE__SIGN_P12_FILE_PASSWORD)=/.test(l))
      .map((l) => l.slice(l.indexOf('=') + 1).replace(/^'|'$/g, ''));
    expect(secrets).toHaveLength(3);
    for (const secret of secrets) expect(lines.some((l) => l.includes(secret))).toBe(false);
    const cli = lines.map((l) => l.trim()).filter((l) => /(^|\s)npx mts-(auth|seed) /.test(l));
    expect(cli.map((l) => /mts-(auth|seed)/.exec(l)![0] + (l.includes('--server') ? ' --server' : ''))).toEqual(['mts-auth', 'mts-seed', 'mts-seed --server']);
    const auth = spawnSync('sh', ['-c', cli[0]!], { cwd: ROOT, encoding: 'utf8' });
    expect({ status: auth.status, authStatus: JSON.parse(auth.stdout || '{}').response?.authStatus }).toEqual({ status: 0, authStatus: true });
    for (const [i, command] of cli.slice(1).entries()) {
      const out = join(dataDir, `tokens-${i}.csv`);
      const seeded = spawnSync('sh', ['-c', command.replace(/ -o tokens\.csv/, ` -o ${out}`).replace(/\s+#.*$/, '')], { cwd: ROOT, encoding: 'utf8' });
      // 1: finished, with sample.csv's known record errors.
      expect({ command: i, status: seeded.status }).toEqual({ command: i, status: 1 });
      expect(readFileSync(out, 'utf8').trim().split(/\r?\n/)).toHaveLength(21);
    }

    const exited = new Promise<number | null>((done) => child!.once('exit', (code) => done(code)));
    process.kill(-child.pid!, 'SIGINT');
    expect(await exited).toBe(0);
    // Nothing of the group is left listening.
    expect(await fetch(`${api}/ping`).then(() => 'up', () => 'down')).toBe('down');
    expect(lines.filter((l) => /"level":"error"/.test(l))).toEqual([]);
  });

  it('refuses a taken port before starting anything: a line naming the port and the variable, exit non-zero', async () => {
    // Something that answers GET /ping on the port, as an earlier `npm start` does (the readiness check asks /ping).
    const other = createHttpServer((_req, res) => res.end('pong'));
    await new Promise<void>((done) => other.listen(0, '127.0.0.1', done));
    const taken = (other.address() as AddressInfo).port;
    try {
      for (const [variable, env] of [['PORT', { PORT: String(taken) }], ['MTS_SANDBOX_PORT', { PORT: String(await freePort()), MTS_SANDBOX_PORT: String(taken) }]] as const) {
        const clashDir = join(dataDir, `clash-${variable}`);
        const run = spawn(process.execPath, ['tools/scripts/start.mjs'], {
          cwd: ROOT,
          detached: true,
          stdio: ['ignore', 'pipe', 'pipe'],
          env: { ...process.env, MTS_DATA_DIR: clashDir, MTS_LOG_LEVEL: 'warn', ...env },
        });
        let output = '';
        run.stdout!.on('data', (c: Buffer) => (output += c.toString('utf8')));
        run.stderr!.on('data', (c: Buffer) => (output += c.toString('utf8')));
        const code = await new Promise<number | null>((done) => run.once('exit', (c) => done(c)));
        // Whatever it started (without the check: everything), nothing of its group stays.
        try {
          process.kill(-run.pid!, 'SIGKILL');
        } catch {
          // the group is gone already
        }
        expect({ variable, code }).toEqual({ variable, code: 1 });
        expect(output).not.toContain('Token seeder is running');
        expect(output).toContain(`port ${taken} `);
        expect(output).toContain('is in use (EADDRINUSE)');
        expect(output).toContain(`set ${variable} to a free port`);
        // Checked before anything starts: not even the data dir was made.
        expect(existsSync(clashDir)).toBe(false);
      }
    } finally {
      await new Promise((done) => other.close(done));
    }
  });
});
