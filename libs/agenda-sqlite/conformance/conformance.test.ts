// Agenda's full shared backend suite plus its job-logger suite, on one WAL file shared by every test's backend
// (passed as `database`, so agenda.stop() leaves it open for the suite's checks, as its Postgres run does).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createSqliteBackend } from '../src/index.js';

declare const AGENDA_SUITE: string;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { fullAgendaTestSuite } = require(join(AGENDA_SUITE, 'full-test-suite.ts'));
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { jobLoggerTestSuite } = require(join(AGENDA_SUITE, 'joblogger-test-suite.ts'));

const dir = mkdtempSync(join(tmpdir(), 'agenda-conformance-'));
const db = new Database(join(dir, 'conformance.db'));
db.pragma('journal_mode = WAL');
db.pragma('busy_timeout = 5000');
afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

fullAgendaTestSuite({
  name: 'SqliteBackend',
  createBackend: async () => {
    const backend = createSqliteBackend({ database: db });
    await backend.connect();
    return backend;
  },
  cleanupBackend: async (backend: { disconnect(): Promise<void> }) => backend.disconnect(),
  clearJobs: async () => void db.exec('DELETE FROM agenda_jobs'),
  skip: { forkMode: true }, // fork mode needs a backend-specific child script; not used by the service
});

const logBackend = createSqliteBackend({ database: db, logTableName: 'conformance_logs' });
jobLoggerTestSuite({
  name: 'SqliteJobLogger',
  createLogger: async () => {
    await logBackend.connect();
    return logBackend.logger;
  },
  cleanupLogger: async (logger: { clearLogs(): Promise<number> }) => void (await logger.clearLogs()),
});
