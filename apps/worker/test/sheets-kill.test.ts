// A worker process killed with SIGKILL in the middle of reading a Google sheet (some rows stored, more windows to
// go) and restarted: it reads the sheet again from the start, skips the rows already stored (lineNo = sheet row),
// and the request ends with every row exactly once.
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { startSandbox, type RunningSandbox } from '@mts/ida-sandbox';
import { startSheetsStandin, type RunningSheetsStandin, type StandinCell } from '@mts/sheets-standin';
import { createTempDir, type TempDir } from '@mts/testing';
import type { Store } from '@mts/store';
import { loadConfig } from '../src/config.js';
import { openApiStore, readOutput, testEnv, waitDone, waitFor } from './helpers.js';
import { exited, spawnWorker } from './process.js';
import { sandboxAuthEnv, sandboxPeople } from './sandbox-env.js';

jest.setTimeout(120_000);

let dir: TempDir;
let sandbox: RunningSandbox;
let sheets: RunningSheetsStandin;
let api: Store | undefined;
const children: ChildProcess[] = [];

beforeAll(async () => {
  dir = await createTempDir('sheets-kill-');
  sandbox = await startSandbox({ dataDir: join(dir.path, 'ida'), port: 0, identityCount: 40 });
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await Promise.all(children.map(exited));
  await api?.close();
  await sheets?.close();
  await sandbox.close();
  await dir.remove();
});

test('SIGKILL mid-pull, restart: every sheet row exactly once', async () => {
  // 1200 rows: the sandbox's people first (they get tokens), then made-up ones without a gender (invalid, so the
  // test spends its time on the pull, not on IDA calls); every 100th row blank.
  const known = sandboxPeople(sandbox).map((p) => [String(p.vid), String(p.name), String(p.gender), String(p.dob)]);
  const rows: StandinCell[][] = [['vid', 'name', 'gender', 'dob']];
  for (let i = 0; i < 1200; i++) rows.push(i % 100 === 99 ? [] : (known[i] ?? [String(6_100_000_000 + i), `Nobody ${i}`, '', '1990/01/01']));
  const expectedVids = rows.slice(1).filter((r) => r.length > 0).map((r) => r[0]);
  // 150 ms per window of 100 rows: the pull takes ~2 s, so the kill lands between two windows.
  sheets = await startSheetsStandin({ spreadsheets: [{ spreadsheetId: 'big', public: true, sheets: [{ title: 'Rows', rows }] }], apiKeys: ['k'], latencyMs: 150 });

  const env = testEnv(join(dir.path, 'data'), { ...sandboxAuthEnv(sandbox), MTS_PULL_PAGE_SIZE: '100', MTS_JOB_LOCK_LIFETIME_MS: '1500', MTS_CHUNK_SIZE: '200',
    TOKENSEEDER_AUTHTOKEN__MANDATORY_VALIDATION_AUTH_FIELDS: 'name,gender,dob' });
  api = await openApiStore(loadConfig(env));
  const first = spawnWorker(env);
  children.push(first);
  const { id } = await api.createRequest({
    inputKind: 'sheets',
    config: { output: 'json', deliverytype: 'download', sheetsconfig: { spreadsheetId: 'big', baseurl: sheets.url, auth: { type: 'apiKey', apiKey: 'k' } } },
  });

  // The worker stores rows in batches of 500: wait for the first batch, while later windows are still to be read.
  await waitFor(async () => {
    const r = await api!.getRequest(id);
    return r && r.counts.total >= 500 && r.phase === 'ingesting';
  }, 60_000, 'a first batch of rows stored mid-pull');
  first.kill('SIGKILL');
  expect(await exited(first)).toBe('SIGKILL');
  const atKill = (await api.getRequest(id))!;
  expect(atKill.phase).toBe('ingesting');
  expect(atKill.counts.total).toBeLessThan(expectedVids.length);
  const headersBefore = sheets.requests().filter((r) => r.range === "'Rows'!A1:Z1").length;

  const second = spawnWorker(env);
  children.push(second);
  const done = await waitDone(api, id, 90_000);
  expect(sheets.requests().filter((r) => r.range === "'Rows'!A1:Z1").length).toBe(headersBefore + 1); // read again from the top
  expect(done.lastError).toBeNull();
  expect(done.counts.total).toBe(expectedVids.length);
  expect(done.counts.processed + done.counts.error + done.counts.invalid).toBe(expectedVids.length);
  expect(done.counts.invalid).toBe(expectedVids.length - known.length);
  // The sandbox's last identities are locked or deactivated on purpose: IDA refuses some of them.
  expect(done.counts.processed).toBeGreaterThanOrEqual(known.length - 3);
  const out = JSON.parse(await readOutput(api, done)) as { vid: string }[];
  expect(out.map((r) => r.vid).sort()).toEqual([...expectedVids].sort());

  second.kill('SIGTERM');
  expect(await exited(second)).toBe(0);
});
