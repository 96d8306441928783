// A failing timer flush in a real process: Jest runs test files with a copy of `process` whose listeners never see
// unhandled rejections, so the check runs in a child process with its own `process.on('unhandledRejection')`.
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { exited } from './process.js';

interface Report {
  afterFailure: { pending: number; lastError?: string };
  calls: number[];
  written: number[][];
  rejections: string[];
}

async function run(mode?: 'control'): Promise<{ report: Report | undefined; code: number | string }> {
  const child = fork(join(__dirname, 'fixtures', 'timer-flush-process.cjs'), mode ? [mode] : [], {
    env: { PATH: process.env.PATH ?? '' },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  let report: Report | undefined;
  child.on('message', (m) => (report = m as Report));
  const code = await exited(child);
  return { report, code };
}

test('a failing timer flush leaves no unhandled rejection and loses no item', async () => {
  const { report, code } = await run();
  expect(code).toBe(0);
  expect(report).toEqual({
    afterFailure: { pending: 2, lastError: 'STORE_BUSY' },
    calls: [2, 3],
    written: [[1, 2, 3]],
    rejections: [],
  });
});

test('the listener in that process does see a rejection left unhandled', async () => {
  const { report, code } = await run('control');
  expect(code).toBe(0);
  expect(report?.rejections).toEqual(['STORE_BUSY']);
  expect(report?.written).toEqual([[1, 2, 3]]);
});
