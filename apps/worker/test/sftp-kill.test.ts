// A worker process killed with SIGKILL in the middle of an SFTP upload (throttled so the kill lands mid-file): the
// restarted worker uploads the whole file again; the final file equals the stored output and no .part is left.
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startSandbox, type RunningSandbox } from '@mts/ida-sandbox';
import { createTempDir, requires, startSshd, type RunningSshd, type TempDir } from '@mts/testing';
import type { Store } from '@mts/store';
import { loadConfig } from '../src/config.js';
import { startWorker, type RunningWorker } from '../src/index.js';
import { fakeAuthenticator } from './fake-authenticator.js';
import { openApiStore, readOutput, submit, testEnv, waitDone, waitFor } from './helpers.js';
import { exited } from './process.js';
import { sandboxAuthEnv, sandboxPeople } from './sandbox-env.js';

// Generous: the child compiles the worker with SWC and runs 40 records through the sandbox first (slow on a busy machine).
jest.setTimeout(300_000);

const RATE = 64 * 1024;
// Each row carries ~34 KB of padding: 40 rows make a ~1.4 MB file, ~20 s at the capped rate.
const PADDED = '{vid: .output.vid, status: .output.status, token: .output.token, pad: ([range(0; 2000)] | map("synthetic-padding") | join(""))}';

requires('sshd')('SFTP upload interrupted by SIGKILL', () => {
  let dir: TempDir;
  let sandbox: RunningSandbox;
  let sshd: RunningSshd;
  let api: Store | undefined;
  let second: RunningWorker | undefined;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    dir = await createTempDir('sftp-kill-');
    sandbox = await startSandbox({ dataDir: join(dir.path, 'ida'), port: 0, identityCount: 40 });
    sshd = await startSshd();
  });
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await Promise.all(children.map(exited));
    await second?.stop();
    await api?.close();
    await sshd?.close();
    await sandbox?.close();
    await dir?.remove();
  });

  test('the restarted worker uploads the complete file; no .part is left', async () => {
    const env = testEnv(join(dir.path, 'data'), {
      ...sandboxAuthEnv(sandbox),
      MTS_JOB_LOCK_LIFETIME_MS: '1500',
      TOKENSEEDER_AUTHTOKEN__MANDATORY_VALIDATION_AUTH_FIELDS: 'name,gender,dob',
      TEST_SFTP_MAX_BYTES_PER_SECOND: String(RATE),
    });
    api = await openApiStore(loadConfig(env));
    const first = fork(join(__dirname, 'fixtures', 'sftp-worker-process.cjs'), [], {
      env: { PATH: process.env.PATH ?? '', ...env },
      execArgv: ['--conditions=@mts/source', '--disable-warning=ExperimentalWarning'],
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    children.push(first);
    const id = await submit(api, 'ndjson', sandboxPeople(sandbox), {
      output: 'csv',
      deliverytype: 'sftp',
      outputFormat: PADDED,
      sftpProperties: { host: sshd.host, port: sshd.port, username: sshd.username, password: sshd.password, hostKeyFingerprint: sshd.hostKeyFingerprint, remotePath: sshd.home },
    });
    const part = join(sshd.home, `${id}.csv.part`);
    const final = join(sshd.home, `${id}.csv`);

    // Killed once 128 KB are written: well inside the file.
    await waitFor(
      async () => {
        if (first.exitCode !== null) throw new Error(`the worker process exited early with ${first.exitCode}`);
        return existsSync(part) && statSync(part).size >= 2 * RATE;
      },
      180_000,
      'the upload to be under way',
    );
    first.kill('SIGKILL');
    expect(await exited(first)).toBe('SIGKILL');
    const partial = statSync(part).size;
    expect(existsSync(final)).toBe(false);
    expect((await api.getRequest(id))!).toMatchObject({ phase: 'delivering', deliveryState: 'pending', status: expect.stringMatching(/^processed/) });

    second = await startWorker(loadConfig(env), { authenticator: fakeAuthenticator().auth });
    const done = await waitDone(api, id, 60_000);
    expect(done).toMatchObject({ deliveryState: 'delivered', status: expect.stringMatching(/^processed/) });
    const expected = await readOutput(api, done);
    expect(Buffer.byteLength(expected)).toBeGreaterThan(partial * 2);
    expect(readFileSync(final, 'utf8')).toBe(expected);
    expect(readdirSync(sshd.home).filter((f) => f.endsWith('.part'))).toEqual([]);
  });
});
