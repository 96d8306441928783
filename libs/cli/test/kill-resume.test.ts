// 10,000 rows through mts-seed embedded in its own process, SIGKILLed midway and resumed with --resume: every row
// exactly once in input order, no journaled record sent to IDA again, at most --concurrency in-flight records sent
// again (counted at the sandbox); plain progress lines on a non-TTY stderr.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSandbox, type RunningSandbox } from '@mts/ida-sandbox';
import { createTempDir, type TempDir } from '@mts/testing';
import { CSV_MAPPING, parseCsvRows, people, sandboxEnv, spawnSeed, writeCsv } from './helpers.js';

jest.setTimeout(600_000);

const N = 10_000;
const CONCURRENCY = 8;
let dir: TempDir;
let sandbox: RunningSandbox;

beforeAll(async () => {
  dir = await createTempDir('cli-kill-');
  sandbox = await startSandbox({ dataDir: join(dir.path, 'ida'), identityCount: 40, latencyMs: 0 });
});
afterAll(async () => {
  await sandbox?.close();
  await dir?.remove();
});

/** The journal's complete entries (a torn last line after the kill is left out, as a resume does). */
function journaled(path: string): { seq: number; outcome: string; row: { vid: string } }[] {
  const lines = readFileSync(path, 'utf8').split('\n').slice(1);
  const entries = [];
  for (const line of lines) {
    try {
      entries.push(JSON.parse(line));
    } catch {
      break;
    }
  }
  return entries;
}

const until = async (ok: () => boolean, what: string, ms = 300_000) => {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
};

test('SIGKILL midway, --resume: every row once, no journaled record re-sent, at most --concurrency re-sent', async () => {
  const rows = people(sandbox, N);
  const input = writeCsv(join(dir.path, 'people.csv'), rows);
  const out = join(dir.path, 'tokens.csv');
  const journalPath = `${out}.journal`;
  const args = [input, '-o', out, '--mapping', CSV_MAPPING, '--concurrency', String(CONCURRENCY), '--progress-ms', '100'];
  const env = sandboxEnv(sandbox);

  const first = spawnSeed(args, env);
  await until(() => existsSync(journalPath) && journaled(journalPath).length >= 2000, 'a fifth of the records to be journaled');
  first.child.kill('SIGKILL');
  expect(await first.exited).toBe('SIGKILL');
  // Requests the sandbox had already received are answered (and counted) even though nobody reads the answer.
  await new Promise((r) => setTimeout(r, 300));
  const atKill = { ...sandbox.stats().authCallsByIndividualId };
  const before = journaled(journalPath);
  expect(before.length).toBeLessThan(N);
  expect(existsSync(out)).toBe(false);

  // Non-TTY: plain lines, no carriage returns, with count, rate, percentage and ETA.
  expect(first.stderr()).not.toContain('\r');
  expect(first.stderr()).toMatch(/^mts-seed: \d+ records, [\d.]+\/s, \d+%, ETA \d+(s|m\d\ds)$/m);

  const second = spawnSeed([...args, '--resume'], env);
  expect(await second.exited).toBe(1); // unknown ids get IDA errors, every 50th row is invalid
  expect(second.stderr()).toMatch(/mts-seed: \d+ records, \d+ from the journal/);
  expect(second.stderr()).toMatch(new RegExp(`^mts-seed: ${N} records: \\d+ with a token, \\d+ error, ${N / 50} invalid in `, 'm'));
  expect(existsSync(journalPath)).toBe(false);

  // Every row exactly once, in input order.
  const got = parseCsvRows(readFileSync(out, 'utf8'));
  expect(got).toHaveLength(N);
  expect(got.map((r) => r.vid)).toEqual(rows.map((p) => p.vid));
  expect(got.filter((r) => r.status === 'processed').length).toBeGreaterThan(20);

  // At the sandbox: a journaled record was never sent again; all others that IDA had to answer were sent once,
  // except those in flight at the kill (at most --concurrency), sent twice.
  const calls = sandbox.stats().authCallsByIndividualId;
  for (const e of before) if (e.outcome !== 'invalid') expect({ vid: e.row.vid, calls: calls[e.row.vid] }).toEqual({ vid: e.row.vid, calls: atKill[e.row.vid] });
  const valid = rows.filter((p) => p.gender !== '');
  const counts = valid.map((p) => calls[p.vid] ?? 0);
  expect(counts.filter((c) => c === 0)).toEqual([]);
  expect(Math.max(...counts)).toBeLessThanOrEqual(2);
  const resent = counts.filter((c) => c === 2).length;
  expect(resent).toBeLessThanOrEqual(CONCURRENCY);
  // Invalid rows never reach IDA.
  for (const p of rows.filter((q) => q.gender === '')) expect(calls[p.vid]).toBeUndefined();
});

test('SIGTERM: the run stops, journals what was in flight and exits 5; --resume sends every record exactly once', async () => {
  const rows = people(sandbox, 1500).map((p, i) => ({ ...p, vid: String(6200000000 + i) }));
  const input = writeCsv(join(dir.path, 'term.csv'), rows);
  const out = join(dir.path, 'term.json');
  const journalPath = `${out}.journal`;
  const args = [input, '-o', out, '--mapping', CSV_MAPPING, '--concurrency', String(CONCURRENCY), '--quiet'];
  const env = sandboxEnv(sandbox);
  const first = spawnSeed(args, env);
  await until(() => existsSync(journalPath) && journaled(journalPath).length >= 200, 'some records to be journaled');
  first.child.kill('SIGTERM');
  expect(await first.exited).toBe(5);
  expect(first.stderr()).toContain('run again with --resume');
  expect(journaled(journalPath).length).toBeLessThan(rows.length);

  const second = spawnSeed([...args, '--resume'], env);
  expect(await second.exited).toBe(1);
  expect(second.stderr()).toBe(''); // --quiet: errors only
  const got = JSON.parse(readFileSync(out, 'utf8')) as { vid: string }[];
  expect(got.map((r) => r.vid)).toEqual(rows.map((p) => p.vid));
  const calls = sandbox.stats().authCallsByIndividualId;
  for (const p of rows) expect({ vid: p.vid, calls: calls[p.vid] }).toEqual({ vid: p.vid, calls: p.gender === '' ? undefined : 1 });
});
