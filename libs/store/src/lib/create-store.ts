import type BetterSqlite3 from 'better-sqlite3';
import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import type { DataKeyring } from './data-key.js';
import { StoreError, wrapBusy } from './errors.js';
import { createGiveUpWrites } from './give-up.js';
import { createDeliveryMarks, UNDELIVERED } from './record-delivery.js';
import { createRecordWrites, immediate, PENDING, recordAad } from './record-writes.js';
import { isRequestId, newRequestId } from './request-id.js';
import { patchToSql, toRequestInfo } from './row-mapping.js';
import type { Store } from './store.js';
import type { OutputRecord, RequestConfig, RequestInfo, StoredRecord } from './types.js';
import { openValue, sealValue } from './value-cipher.js';

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
  const open = <T>(blob: Buffer | null, aad: string): T | null => (blob ? openValue<T>(keyring, blob, aad) : null);
  const aad = recordAad;

  const selectRequest = db.prepare('SELECT * FROM requests WHERE id = ?');
  const getRow = (id: string) => wrapBusy(() => selectRequest.get(id) as Record<string, unknown> | undefined);
  const mustGet = (id: string): RequestInfo => {
    const row = getRow(id);
    if (!row) throw new StoreError('STORE_NOT_FOUND', `no request ${id}`);
    return toRequestInfo(row);
  };

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
}

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
      return writes.insertRecords(requestId, records);
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
