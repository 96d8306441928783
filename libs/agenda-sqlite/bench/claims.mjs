// Short figures for the SQLite backend (not a test): saves, claims and Agenda end-to-end jobs per second.
// Run after `npx nx run @mts/agenda-sqlite:build`: node libs/agenda-sqlite/bench/claims.mjs [jobs]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agenda } from 'agenda';
import { createSqliteBackend } from '../dist/index.js';

const n = Number(process.argv[2] ?? 2000);
const dir = mkdtempSync(join(tmpdir(), 'agenda-sqlite-bench-'));
const perSec = (count, ms) => Math.round((count / ms) * 1000);

const backend = createSqliteBackend({ path: join(dir, 'repo.db') });
await backend.connect();
let t = performance.now();
for (let i = 0; i < n; i++) {
  await backend.repository.saveJob({ name: 'b', priority: 0, nextRunAt: new Date(), type: 'normal', data: { i } }, undefined);
}
const saves = perSec(n, performance.now() - t);
t = performance.now();
let claimed = 0;
while (await backend.repository.getNextJobToRun('b', new Date(Date.now() + 1000), new Date(Date.now() - 60_000), undefined, undefined)) claimed++;
const claims = perSec(claimed, performance.now() - t);
await backend.disconnect();

const agenda = new Agenda({ backend: createSqliteBackend({ path: join(dir, 'agenda.db') }), processEvery: 100, maxConcurrency: 50, defaultLockLifetime: 60_000 });
let done = 0;
const finished = new Promise((resolve) => agenda.define('e', async () => { if (++done === n) resolve(); }, { concurrency: 50 }));
await agenda.ready;
for (let i = 0; i < n; i++) await agenda.now('e', { i });
t = performance.now();
await agenda.start();
await finished;
const e2e = perSec(n, performance.now() - t);
await agenda.stop();
rmSync(dir, { recursive: true, force: true });
console.log(JSON.stringify({ jobs: n, savesPerSec: saves, claimsPerSec: claims, agendaJobsPerSec: e2e }));
process.exit(0); // Agenda's per-job lock-check timers would otherwise hold the process for half the lock lifetime
