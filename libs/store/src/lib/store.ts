import type BetterSqlite3 from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { DataSource } from 'typeorm';
import type { DataKeyring } from './data-key.js';
import { RecordEntity, RequestEntity } from './entities.js';
import { StoreError, wrapBusy } from './errors.js';
import { Initial1764300000000 } from './migrations/0001-initial.js';
import { isRequestId, newRequestId } from './request-id.js';
import { patchToSql, toRequestInfo } from './row-mapping.js';
import type {
  CleanupPolicy,
  CleanupResult,
  NewRecord,
  NewRequest,
  OutputRecord,
  PendingRecord,
  RecordAnswer,
  RequestConfig,
  RequestInfo,
  RequestPatch,
  RequestPhase,
  StoredRecord,
} from './types.js';
import { openValue, sealValue } from './value-cipher.js';

export interface StoreOptions {
  /** The SQLite file, e.g. `<dataDir>/seeder.sqlite` (shared by the API and the worker). */
  path: string;
  /** From {@link loadOrCreateDataKey}. */
  keyring: DataKeyring;
  /** Where input and output files live; default `<dirname(path)>/files`. */
  filesDir?: string;
  /** Two digits that start every request id this process makes (MTS's pod id); default `'00'`. */
  podId?: string;
  /** How long a write waits for another process's lock; default 5000 ms. */
  busyTimeoutMs?: number;
  /** Rows per write transaction; default 500. */
  batchSize?: number;
  now?: () => Date;
}

/** Result of {@link Store.insertRecords}: rows actually added (re-inserted lines are ignored). */
export interface InsertRecordsResult {
  inserted: number;
  invalid: number;
}

/** The store: see the package README for the life of a request through these calls. */
export interface Store {
  readonly dataSource: DataSource;
  readonly keyring: DataKeyring;
  readonly filesDir: string;
  newRequestId(): string;
  /** `<filesDir>/<id>.input.<ext>.enc`: where the API writes an upload (with createEncryptedWriteStream). */
  inputFilePath(requestId: string, ext: 'csv' | 'json' | 'ndjson'): string;
  /** `<filesDir>/<id>.output.<ext>.enc`. */
  outputFilePath(requestId: string, ext: 'csv' | 'json'): string;
  createRequest(request: NewRequest): Promise<RequestInfo>;
  getRequest(id: string): Promise<RequestInfo | null>;
  /** The decrypted envelope settings; null if the request is unknown or its PII/secrets were erased. */
  getRequestConfig(id: string): Promise<RequestConfig | null>;
  /** Requests in the given phases, oldest first. */
  listRequests(filter: { phase: RequestPhase[]; limit?: number }): Promise<RequestInfo[]>;
  updateRequest(id: string, patch: RequestPatch): Promise<RequestInfo>;
  /** Batched, idempotent on (requestId, lineNo); advances the request's total/invalid counts and ingest mark. */
  insertRecords(requestId: string, records: readonly NewRecord[]): Promise<InsertRecordsResult>;
  /** Records of one chunk still without an answer, in order, with their decrypted IDA input. */
  pendingRecords(requestId: string, chunk: number): Promise<PendingRecord[]>;
  /** Stores answers of pending records only (an answered record is never overwritten); counts exactly. */
  recordAnswers(requestId: string, answers: readonly RecordAnswer[]): Promise<{ recorded: number }>;
  /** How many records still wait for an answer. */
  countPending(requestId: string): Promise<number>;
  /** The highest chunk number stored for the request, or -1 when it has no records. */
  lastChunk(requestId: string): Promise<number>;
  /** Every record in input order, decrypted, read a page at a time. */
  streamRecords(requestId: string, options?: { pageSize?: number }): AsyncIterable<StoredRecord>;
  /** Nulls every PII/secret column of the request and deletes its input file; keeps statuses, counts, output file. */
  erasePii(requestId: string): Promise<void>;
  /** Deletes finished (`phase = 'done'`) requests that finished before now − expiry, with their records and files. */
  cleanup(policy: CleanupPolicy): Promise<CleanupResult>;
  close(): Promise<void>;
}

const PENDING = `status IN ('submitted', 'processing')`;

/**
 * Opens (creating if needed) the SQLite store, runs its migrations, and sets WAL mode and a busy timeout.
 *
 * @example
 * ```ts
 * const keyring = loadOrCreateDataKey({ keyFile: './data/data.key' });
 * const store = await openStore({ path: './data/seeder.sqlite', keyring });
 * const req = await store.createRequest({ inputKind: 'json', inputPath, config: { output: 'csv', deliverytype: 'download' } });
 * ```
 */
export async function openStore(options: StoreOptions): Promise<Store> {
  const { path, keyring, podId = '00', busyTimeoutMs = 5000, batchSize = 500, now = () => new Date() } = options;
  if (!path) throw new StoreError('STORE_INVALID_OPTIONS', 'path is required');
  newRequestId(podId); // validates podId up front
  const filesDir = options.filesDir ?? join(dirname(path), 'files');
  mkdirSync(dirname(path), { recursive: true });
  mkdirSync(filesDir, { recursive: true, mode: 0o700 });

  const dataSource = new DataSource({
    type: 'better-sqlite3',
    database: path,
    timeout: busyTimeoutMs,
    entities: [RequestEntity, RecordEntity],
    migrations: [Initial1764300000000],
    migrationsTransactionMode: 'each',
    synchronize: false,
    prepareDatabase: (db: BetterSqlite3.Database) => {
      db.pragma('journal_mode = WAL');
      db.pragma(`busy_timeout = ${Number(busyTimeoutMs)}`);
      db.pragma('synchronous = NORMAL');
    },
  });
  await dataSource.initialize();
  await runMigrations(dataSource);
  const db = (dataSource.driver as unknown as { databaseConnection: BetterSqlite3.Database }).databaseConnection;
  return createStore({ dataSource, db, keyring, filesDir, podId, batchSize, now });
}

// The API and the worker may open a fresh file at the same moment; the loser of that race sees the
// winner's tables, fails, and succeeds on a retry that finds the migrations already recorded.
async function runMigrations(dataSource: DataSource): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await dataSource.runMigrations();
      return;
    } catch (error) {
      if (attempt >= 5) throw new StoreError('STORE_MIGRATION_FAILED', 'database migrations failed', { cause: error });
      await new Promise((r) => setTimeout(r, 50 * attempt));
    }
  }
}

interface Internals {
  dataSource: DataSource;
  db: BetterSqlite3.Database;
  keyring: DataKeyring;
  filesDir: string;
  podId: string;
  batchSize: number;
  now: () => Date;
}

function createStore(ctx: Internals): Store {
  const { db, keyring, filesDir, batchSize, now } = ctx;
  // Hot paths use the same connection through better-sqlite3 directly: synchronous IMMEDIATE transactions
  // cannot interleave within the process, and take the write lock up front instead of failing to upgrade.
  const tx = <A extends unknown[], R>(fn: (...args: A) => R) => {
    const t = db.transaction(fn);
    return (...args: A): R => wrapBusy(() => t.immediate(...args));
  };
  const seal = (value: unknown, aad: string) => sealValue(keyring, value, aad);
  const open = <T>(blob: Buffer | null, aad: string): T | null => (blob ? openValue<T>(keyring, blob, aad) : null);
  const aad = (requestId: string, lineNo: number, column: string) => `${requestId}/${lineNo}/${column}`;

  const selectRequest = db.prepare('SELECT * FROM requests WHERE id = ?');
  const getRow = (id: string) => wrapBusy(() => selectRequest.get(id) as Record<string, unknown> | undefined);
  const mustGet = (id: string): RequestInfo => {
    const row = getRow(id);
    if (!row) throw new StoreError('STORE_NOT_FOUND', `no request ${id}`);
    return toRequestInfo(row);
  };

  const insertRecord = db.prepare(
    `INSERT OR IGNORE INTO records (request_id, line_no, seq, chunk, status, error_code, received_ct, input_ct, output_ct, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertBatch = tx((requestId: string, batch: readonly NewRecord[]) => {
    let inserted = 0;
    let invalid = 0;
    let maxLine = -1;
    const t = now().getTime();
    for (const r of batch) {
      maxLine = Math.max(maxLine, r.lineNo);
      const output: OutputRecord | null = r.invalid
        ? { vid: r.invalid.vid, status: 'invalid', token: null, errorCode: r.invalid.code, errorMessage: r.invalid.message }
        : null;
      const changes = insertRecord.run(
        requestId,
        r.lineNo,
        r.seq,
        r.chunk,
        r.invalid ? 'invalid' : 'submitted',
        r.invalid ? r.invalid.code : null,
        seal(r.received ?? null, aad(requestId, r.lineNo, 'received')),
        r.invalid ? null : seal(r.input ?? null, aad(requestId, r.lineNo, 'input')),
        output ? seal(output, aad(requestId, r.lineNo, 'output')) : null,
        t,
      ).changes;
      inserted += changes;
      if (r.invalid) invalid += changes;
    }
    db.prepare(
      `UPDATE requests SET total = total + ?, invalid_count = invalid_count + ?,
         ingested_line_no = MAX(ingested_line_no, ?), updated_at = ? WHERE id = ?`,
    ).run(inserted, invalid, maxLine, t, requestId);
    return { inserted, invalid };
  });

  const answerRecord = db.prepare(
    `UPDATE records SET status = ?, error_code = ?, output_ct = ?, updated_at = ?
     WHERE request_id = ? AND line_no = ? AND ${PENDING}`,
  );
  const answerBatch = tx((requestId: string, batch: readonly RecordAnswer[]) => {
    let processed = 0;
    let errors = 0;
    const t = now().getTime();
    for (const a of batch) {
      const output: OutputRecord = a.ok
        ? { vid: a.vid, status: 'processed', token: a.token, errorCode: null, errorMessage: null }
        : { vid: a.vid, status: 'error', token: null, errorCode: a.errorCode, errorMessage: a.errorMessage };
      const changes = answerRecord.run(
        output.status,
        output.errorCode,
        seal(output, aad(requestId, a.lineNo, 'output')),
        t,
        requestId,
        a.lineNo,
      ).changes;
      if (a.ok) processed += changes;
      else errors += changes;
    }
    db.prepare(
      `UPDATE requests SET processed_count = processed_count + ?, error_count = error_count + ?, updated_at = ? WHERE id = ?`,
    ).run(processed, errors, t, requestId);
    return { recorded: processed + errors };
  });

  function inBatches<T, R extends Record<string, number>>(items: readonly T[], fn: (b: readonly T[]) => R): R {
    let sum: Record<string, number> | undefined;
    for (let i = 0; i < items.length; i += batchSize) {
      const r = fn(items.slice(i, i + batchSize));
      if (!sum) sum = { ...r };
      else for (const k of Object.keys(r)) sum[k] = (sum[k] ?? 0) + r[k]!;
    }
    return (sum ?? fn([])) as R;
  }

  async function removeFile(path: string | null): Promise<number> {
    if (!path) return 0;
    let removed = 0;
    for (const p of [path, `${path}.part`]) {
      try {
        await unlink(p);
        removed++;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    return removed;
  }

  const fileName = (requestId: string, suffix: string) => {
    if (!isRequestId(requestId)) throw new StoreError('STORE_INVALID_OPTIONS', 'not a request id');
    return join(filesDir, `${requestId}.${suffix}.enc`);
  };

  return {
    dataSource: ctx.dataSource,
    keyring,
    filesDir,
    newRequestId: () => newRequestId(ctx.podId),
    inputFilePath: (id, ext) => fileName(id, `input.${ext}`),
    outputFilePath: (id, ext) => fileName(id, `output.${ext}`),

    async createRequest(request) {
      const id = request.id ?? newRequestId(ctx.podId);
      const t = now().getTime();
      const { config } = request;
      wrapBusy(() =>
        db
          .prepare(
            `INSERT INTO requests (id, status, phase, input_kind, input_path, output, deliverytype, config_ct,
               delivery_state, created_at, updated_at) VALUES (?, 'submitted', 'new', ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            id,
            request.inputKind,
            request.inputPath ?? null,
            config.output,
            config.deliverytype,
            seal(config, `${id}/config`),
            config.deliverytype === 'callback' ? 'pending' : 'none',
            t,
            t,
          ),
      );
      return mustGet(id);
    },

    async getRequest(id) {
      const row = getRow(id);
      return row ? toRequestInfo(row) : null;
    },

    async getRequestConfig(id) {
      const row = getRow(id);
      return row ? open<RequestConfig>(row.config_ct as Buffer | null, `${id}/config`) : null;
    },

    async listRequests({ phase, limit = 100 }) {
      if (phase.length === 0) return [];
      const rows = wrapBusy(() =>
        db
          .prepare(`SELECT * FROM requests WHERE phase IN (${phase.map(() => '?').join(',')}) ORDER BY created_at LIMIT ?`)
          .all(...phase, limit),
      ) as Record<string, unknown>[];
      return rows.map(toRequestInfo);
    },

    async updateRequest(id, patch) {
      const { set, values } = patchToSql(patch);
      const changes = wrapBusy(
        () =>
          db
            .prepare(`UPDATE requests SET ${[...set, 'updated_at = ?'].join(', ')} WHERE id = ?`)
            .run(...values, now().getTime(), id).changes,
      );
      if (changes === 0) throw new StoreError('STORE_NOT_FOUND', `no request ${id}`);
      return mustGet(id);
    },

    async insertRecords(requestId, records) {
      return inBatches(records, (b) => insertBatch(requestId, b));
    },

    async pendingRecords(requestId, chunk) {
      const rows = wrapBusy(() =>
        db
          .prepare(
            `SELECT line_no, seq, input_ct FROM records WHERE request_id = ? AND chunk = ? AND ${PENDING} ORDER BY seq`,
          )
          .all(requestId, chunk),
      ) as { line_no: number; seq: number; input_ct: Buffer | null }[];
      return rows.map((r) => ({
        lineNo: r.line_no,
        seq: r.seq,
        input: open(r.input_ct, aad(requestId, r.line_no, 'input')),
      }));
    },

    async recordAnswers(requestId, answers) {
      return inBatches(answers, (b) => answerBatch(requestId, b));
    },

    async countPending(requestId) {
      const row = wrapBusy(() =>
        db.prepare(`SELECT COUNT(*) AS n FROM records WHERE request_id = ? AND ${PENDING}`).get(requestId),
      ) as { n: number };
      return Number(row.n);
    },

    async lastChunk(requestId) {
      const row = wrapBusy(() => db.prepare('SELECT MAX(chunk) AS c FROM records WHERE request_id = ?').get(requestId)) as {
        c: number | null;
      };
      return row.c === null ? -1 : Number(row.c);
    },

    async *streamRecords(requestId, { pageSize = batchSize } = {}) {
      const page = db.prepare(
        `SELECT line_no, seq, chunk, status, error_code, received_ct, output_ct FROM records
         WHERE request_id = ? AND seq > ? ORDER BY seq LIMIT ?`,
      );
      let after = -1;
      for (;;) {
        const rows = wrapBusy(() => page.all(requestId, after, pageSize)) as Record<string, unknown>[];
        for (const r of rows) {
          const lineNo = Number(r.line_no);
          yield {
            lineNo,
            seq: Number(r.seq),
            chunk: Number(r.chunk),
            status: r.status as StoredRecord['status'],
            errorCode: (r.error_code as string | null) ?? null,
            received: open(r.received_ct as Buffer | null, aad(requestId, lineNo, 'received')),
            output: open<OutputRecord>(r.output_ct as Buffer | null, aad(requestId, lineNo, 'output')),
          };
        }
        if (rows.length < pageSize) return;
        after = Number(rows[rows.length - 1]!.seq);
      }
    },

    async erasePii(requestId) {
      const req = mustGet(requestId);
      // Erased in bounded transactions so a huge request never holds the write lock for long.
      const eraseSome = tx(() =>
        db
          .prepare(
            `UPDATE records SET received_ct = NULL, input_ct = NULL, output_ct = NULL
             WHERE rowid IN (SELECT rowid FROM records WHERE request_id = ?
               AND (received_ct IS NOT NULL OR input_ct IS NOT NULL OR output_ct IS NOT NULL) LIMIT ?)`,
          )
          .run(requestId, batchSize * 10).changes,
      );
      while (eraseSome() > 0) await new Promise((r) => setImmediate(r));
      await removeFile(req.inputPath);
      wrapBusy(() =>
        db
          .prepare(`UPDATE requests SET config_ct = NULL, pii_erased_at = ?, updated_at = ? WHERE id = ?`)
          .run(now().getTime(), now().getTime(), requestId),
      );
    },

    async cleanup({ expirySeconds, now: at = now() }) {
      const cutoff = at.getTime() - expirySeconds * 1000;
      const rows = wrapBusy(() =>
        db
          .prepare(`SELECT * FROM requests WHERE phase = 'done' AND finished_at IS NOT NULL AND finished_at < ?`)
          .all(cutoff),
      ) as Record<string, unknown>[];
      let files = 0;
      let requests = 0;
      const del = tx((id: string) => {
        db.prepare('DELETE FROM records WHERE request_id = ?').run(id);
        return db.prepare(`DELETE FROM requests WHERE id = ? AND phase = 'done'`).run(id).changes;
      });
      for (const row of rows) {
        const info = toRequestInfo(row);
        files += (await removeFile(info.inputPath)) + (await removeFile(info.outputPath));
        requests += del(info.id);
      }
      return { requests, files };
    },

    async close() {
      if (ctx.dataSource.isInitialized) await ctx.dataSource.destroy();
    },
  };
}
