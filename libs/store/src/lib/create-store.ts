import type BetterSqlite3 from 'better-sqlite3';
import type { DataSource } from 'typeorm';
import type { DataKeyring } from './data-key.js';
import { StoreError, wrapBusy } from './errors.js';
import { createGiveUpWrites } from './give-up.js';
import { createDeliveryMarks, UNDELIVERED } from './record-delivery.js';
import { createDuplicates } from './duplicates.js';
import { createRecordWrites, immediate, PENDING, recordAad } from './record-writes.js';
import { newRequestId } from './request-id.js';
import { anyPendingSql, BEFORE_FIRST_LINE, ERASE_PAGE_END_SQL, ERASE_PAGE_SQL, pendingInChunkSql } from './record-queries.js';
import { createRequestFiles } from './request-files.js';
import { toRequestInfo, toStoredRecord } from './row-mapping.js';
import type { Store } from './store.js';
import { PULLED_INPUT_KINDS, type RequestConfig, type RequestInfo, type StoredRecord } from './types.js';
import { createTransitions } from './transitions.js';
import { createRequestCounts } from './request-counts.js';
import { openValue, sealValue } from './value-cipher.js';

/** How old an unfinished write or an input without a request must be before clean-up removes it. */
const STALE_WRITE_MS = 24 * 3600 * 1000;

export interface Internals {
  dataSource: DataSource;
  db: BetterSqlite3.Database;
  keyring: DataKeyring;
  filesDir: string;
  podId: string;
  batchSize: number;
  now: () => Date;
}

export function createStore(ctx: Internals): Store {
  const { db, keyring, filesDir, batchSize, now } = ctx;
  // Hot paths use the same connection through better-sqlite3 directly (see record-writes.ts).
  const tx = <A extends unknown[], R>(fn: (...args: A) => R) => immediate(db, fn);
  const seal = (value: unknown, aad: string) => sealValue(keyring, value, aad);
  const writes = createRecordWrites(db, keyring, batchSize, now);
  const giveUpWrites = createGiveUpWrites(db, keyring, batchSize, now);
  const deliveryMarks = createDeliveryMarks(db, batchSize, now);
  const duplicates = createDuplicates(db);
  const open = <T>(blob: Buffer | null, aad: string): T | null => (blob ? openValue<T>(keyring, blob, aad) : null);
  const aad = recordAad;
  const busyTimeout = Number(db.pragma('busy_timeout', { simple: true }));
  /**
   * Until the write-ahead log is checkpointed and started over, it still holds the pages as they were before an
   * erasure. Tried at once, without waiting on other connections: when one is reading or writing, the log starts
   * over at a later checkpoint instead, cut back then by journal_size_limit (store.ts).
   */
  const truncateLog = () => {
    db.pragma('busy_timeout = 0');
    try {
      db.pragma('wal_checkpoint(TRUNCATE)');
    } catch {
      // Best effort: SQLITE_BUSY or a locked database leave it to the next checkpoint.
    } finally {
      db.pragma(`busy_timeout = ${busyTimeout}`);
    }
  };

  const selectRequest = db.prepare('SELECT * FROM requests WHERE id = ?');
  const selectAnyPending = db.prepare(anyPendingSql('sqlite'));
  const selectPendingInChunk = db.prepare(pendingInChunkSql('sqlite'));
  const getRow = (id: string) => wrapBusy(() => selectRequest.get(id) as Record<string, unknown> | undefined);
  const mustGet = (id: string): RequestInfo => {
    const row = getRow(id);
    if (!row) throw new StoreError('STORE_NOT_FOUND', `no request ${id}`);
    return toRequestInfo(row);
  };

  const selectErasePageEnd = db.prepare(ERASE_PAGE_END_SQL);
  const erasePage = db.prepare(ERASE_PAGE_SQL);

  const files = createRequestFiles(filesDir, keyring);
  const transitions = createTransitions(db, now, files.outputPath);
  // Paths live in the row (rows written before paths were the store's own keep theirs).
  const pathOf = (id: string, column: 'input_path' | 'output_path'): string | null => {
    const row = getRow(id);
    if (!row) throw new StoreError('STORE_NOT_FOUND', `no request ${id}`);
    return (row[column] as string | null) ?? null;
  };

  // Paged by seq, so rows marked (e.g. delivered) while the caller consumes a page never shift the next one.
  async function* readRecords(
    requestId: string,
    { pageSize = batchSize, received = true }: { pageSize?: number; received?: boolean },
    where: string,
  ): AsyncIterable<StoredRecord> {
    const page = db.prepare(
      `SELECT line_no, seq, chunk, status, error_code, ${received ? 'received_ct' : 'NULL AS received_ct'}, output_ct FROM records
       WHERE request_id = ? AND seq > ? ${where} ORDER BY seq LIMIT ?`,
    );
    let after = -1;
    for (;;) {
      const rows = wrapBusy(() => page.all(requestId, after, pageSize)) as Record<string, unknown>[];
      for (const r of rows) yield toStoredRecord(keyring, requestId, r);
      if (rows.length < pageSize) return;
      after = Number(rows[rows.length - 1]!.seq);
    }
}

  return {
    newRequestId: () => newRequestId(ctx.podId),

    saveInput: (requestId, kind, bytes) => files.saveInput(requestId, kind, bytes),
    discardInput: (requestId) => files.discardInputs(requestId),
    openInput(requestId) {
      const path = pathOf(requestId, 'input_path');
      if (!path) throw new StoreError('STORE_NOT_FOUND', `request ${requestId} has no input file`);
      return files.openInput(path);
    },
    async writeOutput(requestId, chunks) {
      await files.writeOutput(files.outputPath(requestId, mustGet(requestId).output), chunks);
    },
    async openOutput(requestId) {
      const path = pathOf(requestId, 'output_path');
      if (!path) throw new StoreError('STORE_NOT_FOUND', `request ${requestId} has no output`);
      return files.openOutput(path);
    },

    async createRequest(request) {
      const id = request.id ?? newRequestId(ctx.podId);
      const t = now().getTime();
      const { config } = request;
      // A pulled request has no input file; any other reads the one saved under its id (a vc upload is saved as csv).
      const pulled = PULLED_INPUT_KINDS.includes(request.inputKind);
      const inputPath = pulled ? null : files.savedInputPath(id);
      if (!pulled && !inputPath) throw new StoreError('STORE_FILE_MISSING', `no ${request.inputKind} input saved for ${id}`);
      wrapBusy(() =>
        db
          .prepare(
            `INSERT INTO requests (id, status, phase, input_kind, input_path, output, deliverytype, config_ct,
               delivery_state, created_at, updated_at, caller) VALUES (?, 'submitted', 'new', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            id,
            request.inputKind,
            inputPath,
            config.output,
            config.deliverytype,
            seal(config, `${id}/config`),
            config.deliverytype === 'download' ? 'none' : 'pending',
            t,
            t,
            request.caller ?? null,
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

    async listRequests({ phase, caller, limit = 100, newestFirst = false }) {
      if (phase?.length === 0) return [];
      const where: string[] = [];
      const params: unknown[] = [];
      if (phase) {
        where.push(`phase IN (${phase.map(() => '?').join(',')})`);
        params.push(...phase);
      }
      if (caller !== undefined) {
        where.push('caller = ?');
        params.push(caller);
      }
      const order = newestFirst ? 'created_at DESC, id DESC' : 'created_at, id';
      const sql = `SELECT * FROM requests ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${order} LIMIT ?`;
      const rows = wrapBusy(() => db.prepare(sql).all(...params, limit)) as Record<string, unknown>[];
      return rows.map(toRequestInfo);
    },

    beginIngest: async (id) => transitions.beginIngest(id),
    noteError: async (id, code) => transitions.noteError(id, code),
    endIngest: async (id, options) => transitions.endIngest(id, options),
    beginDelivery: async (id) => transitions.beginDelivery(id),
    outputWritten: async (id, status) => transitions.outputWritten(id, status),
    outputFailed: async (id, status) => transitions.outputFailed(id, status),
    delivered: async (id) => transitions.delivered(id),
    deliveryFailed: async (id, status, code) => transitions.deliveryFailed(id, status, code),
    async abandonDelivery(id, options) {
      const info = transitions.abandonDelivery(id, options);
      // An output written before a crash but never recorded would otherwise outlive the request.
      if (!info.hasOutput) await files.discardOutputs(id);
      return info;
    },
    finish: async (id) => transitions.finish(id),

    async insertRecords(requestId, records) {
      return writes.insertRecords(requestId, records);
    },

    async pendingRecords(requestId, chunk) {
      const rows = wrapBusy(() =>
        selectPendingInChunk.all(requestId, chunk),
      ) as { line_no: number; seq: number; input_ct: Buffer | null }[];
      return rows.map((r) => ({
        lineNo: r.line_no,
        seq: r.seq,
        input: open(r.input_ct, aad(requestId, r.line_no, 'input')),
      }));
    },

    async recordAnswers(requestId, answers) {
      return writes.recordAnswers(requestId, answers);
    },

    async failPendingRecords(requestId, options) {
      return giveUpWrites.failPendingRecords(requestId, options);
    },

    async countPending(requestId, chunk) {
      const row = wrapBusy(() =>
        chunk === undefined
          ? db.prepare(`SELECT COUNT(*) AS n FROM records WHERE request_id = ? AND ${PENDING}`).get(requestId)
          : db.prepare(`SELECT COUNT(*) AS n FROM records WHERE request_id = ? AND chunk = ? AND ${PENDING}`).get(requestId, chunk),
      ) as { n: number };
      return Number(row.n);
    },

    async hasPending(requestId) {
      return wrapBusy(() => selectAnyPending.get(requestId)) !== undefined;
    },

    async chunksWithPending(requestId) {
      const rows = wrapBusy(() =>
        db.prepare(`SELECT DISTINCT chunk FROM records WHERE request_id = ? AND ${PENDING} ORDER BY chunk`).all(requestId),
      ) as { chunk: number }[];
      return rows.map((r) => Number(r.chunk));
    },

    async lastChunk(requestId) {
      const row = wrapBusy(() => db.prepare('SELECT MAX(chunk) AS c FROM records WHERE request_id = ?').get(requestId)) as {
        c: number | null;
      };
      return row.c === null ? -1 : Number(row.c);
    },

    streamRecords: (requestId, options) => readRecords(requestId, options ?? {}, ''),
    streamUndelivered: (requestId, options) => readRecords(requestId, options ?? {}, `AND ${UNDELIVERED}`),

    async recordDeliveries(requestId, outcomes) {
      return deliveryMarks.recordDeliveries(requestId, outcomes);
    },

    async countUndelivered(requestId) {
      return deliveryMarks.countUndelivered(requestId);
    },

    indexDuplicates: (requestId) => duplicates.indexDuplicates(requestId),
    duplicateGroups: (requestId, options) => duplicates.duplicateGroups(requestId, options),

    async erasePii(requestId) {
      mustGet(requestId);
      // Erased in bounded transactions so a huge request never holds the write lock for long, each one starting where
      // the last one stopped (by line_no): looking for rows still holding PII from the top every time re-read the
      // erased ones, O(N²) over a large request.
      const eraseSome = tx((after: number): number | null => {
        const { last } = selectErasePageEnd.get(requestId, after, batchSize * 10) as { last: number | null };
        if (last === null) return null;
        erasePage.run(requestId, after, last);
        return last;
      });
      for (let after: number | null = BEFORE_FIRST_LINE; after !== null; ) {
        after = eraseSome(after);
        if (after !== null) await new Promise((r) => setImmediate(r));
      }
      await files.remove(pathOf(requestId, 'input_path'));
      wrapBusy(() =>
        db
          .prepare(`UPDATE requests SET config_ct = NULL, pii_erased_at = ?, updated_at = ? WHERE id = ?`)
          .run(now().getTime(), now().getTime(), requestId),
      );
      truncateLog();
    },

    async cleanup({ expirySeconds, now: at = now() }) {
      const cutoff = at.getTime() - expirySeconds * 1000;
      const rows = wrapBusy(() =>
        db
          .prepare(`SELECT * FROM requests WHERE phase = 'done' AND finished_at IS NOT NULL AND finished_at < ?`)
          .all(cutoff),
      ) as Record<string, unknown>[];
      let removed = 0;
      let requests = 0;
      const del = tx((id: string) => {
        db.prepare('DELETE FROM duplicates WHERE request_id = ?').run(id);
        db.prepare('DELETE FROM records WHERE request_id = ?').run(id);
        return db.prepare(`DELETE FROM requests WHERE id = ? AND phase = 'done'`).run(id).changes;
      });
      for (const row of rows) {
        removed += (await files.remove(row.input_path as string | null)) + (await files.remove(row.output_path as string | null));
        requests += del(String(row.id));
      }
      // As on PostgreSQL: unfinished writes and inputs without a request are stale only after a day, whatever the
      // expiry (which may be 0), since an upload or output being written now is not clean-up's to take.
      const exists = db.prepare('SELECT 1 FROM requests WHERE id = ?').pluck();
      removed += await files.removeStale(Math.min(cutoff, at.getTime() - STALE_WRITE_MS), (id) => wrapBusy(() => exists.get(id)) !== undefined);
      return { requests, files: removed };
    },

    countRequestsByStatus: createRequestCounts(db),

    async close() {
      if (ctx.dataSource.isInitialized) await ctx.dataSource.destroy();
    },
  };
}
