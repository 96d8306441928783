import { Readable } from 'node:stream';
import type { DataSource } from 'typeorm';
import type { DataKeyring } from './data-key.js';
import { createDbFiles } from './db-files.js';
import { bucketRanges, GROUPS_PAGE_SQL, INDEX_SLICE_SQL, readGroups, type GroupRow } from './duplicates.js';
import { StoreError } from './errors.js';
import { numbered, type PgDb } from './pg-db.js';
import { createPgWrites } from './pg-writes.js';
import { UNDELIVERED } from './record-delivery.js';
import { PENDING, recordAad } from './record-writes.js';
import { anyPendingSql, BEFORE_FIRST_LINE, ERASE_PAGE_END_SQL, ERASE_PAGE_SQL, pendingInChunkSql } from './record-queries.js';
import { newRequestId } from './request-id.js';
import { toRequestInfo, toStoredRecord } from './row-mapping.js';
import type { Store } from './store.js';
import { transitionSql, type OutputStatus, type TransitionSql } from './transitions.js';
import { PULLED_INPUT_KINDS, type RequestConfig, type RequestInfo, type RequestStatus, type StoredRecord } from './types.js';
import { openValue, sealValue } from './value-cipher.js';

export interface PgInternals {
  dataSource: DataSource;
  db: PgDb;
  keyring: DataKeyring;
  podId: string;
  batchSize: number;
  now: () => Date;
}

type Row = Record<string, unknown>;
const tick = () => new Promise((r) => setImmediate(r));

/** How old an unfinished file write (or an input no request took) must be before clean-up removes it. */
const STALE_WRITE_MS = 24 * 3600 * 1000;
/** One slice of the duplicate report, in PostgreSQL's placeholders. */
const INDEX_SLICE_PG = numbered(INDEX_SLICE_SQL('postgres'));

/**
 * The store on PostgreSQL: the same calls as on SQLite, for many processes on many hosts. Every transition is one
 * conditional `UPDATE … WHERE <phase it starts from> RETURNING *`, so of two processes racing only one moves the
 * request; record writes are one statement per batch (pg-writes.ts); files are chunk rows (db-files.ts).
 */
export function createPgStore(ctx: PgInternals): Store {
  const { db, keyring, batchSize, now } = ctx;
  const files = createDbFiles(db, keyring, now);
  const writes = createPgWrites(db, keyring, batchSize, now);
  const open = <T>(blob: unknown, aad: string): T | null => (blob ? openValue<T>(keyring, blob as Buffer, aad) : null);

  const getRow = async (id: string): Promise<Row | undefined> => (await db.rows('SELECT * FROM requests WHERE id = $1', [id]))[0];
  const mustGetRow = async (id: string): Promise<Row> => {
    const row = await getRow(id);
    if (!row) throw new StoreError('STORE_NOT_FOUND', `no request ${id}`);
    return row;
  };
  const mustGet = async (id: string): Promise<RequestInfo> => toRequestInfo(await mustGetRow(id));

  // The request after the transition, changed or not (a repeat finds its guard false and changes nothing).
  const transition = <A extends unknown[]>({ set, guard, values }: TransitionSql<A>) => {
    const sql = numbered(`UPDATE requests SET ${set}, updated_at = ? WHERE id = ? AND ${guard} RETURNING *`);
    return async (id: string, ...args: A): Promise<RequestInfo> => {
      const [row] = await db.rows(sql, [...values(...args), now().getTime(), id]);
      return row ? toRequestInfo(row) : mustGet(id);
    };
  };
  const sql = transitionSql('GREATEST', () => now().getTime());
  const recordOutput = transition(sql.recordOutput);
  const abandon = transition(sql.abandonDelivery);

  async function* readRecords(
    requestId: string,
    { pageSize = batchSize, received = true }: { pageSize?: number; received?: boolean },
    where: string,
  ): AsyncIterable<StoredRecord> {
    const page = `SELECT line_no, seq, chunk, status, error_code, ${received ? 'received_ct' : 'NULL AS received_ct'}, output_ct FROM records
       WHERE request_id = $1 AND seq > $2 ${where} ORDER BY seq LIMIT $3`;
    let after = -1;
    for (;;) {
      const rows = await db.rows(page, [requestId, after, pageSize]);
      for (const r of rows) yield toStoredRecord(keyring, requestId, r);
      if (rows.length < pageSize) return;
      after = Number(rows[rows.length - 1]!.seq);
    }
  }

  const location = async (requestId: string, column: 'input_path' | 'output_path', what: string): Promise<string> => {
    const path = (await mustGetRow(requestId))[column] as string | null;
    if (!path) throw new StoreError('STORE_NOT_FOUND', `request ${requestId} has no ${what}`);
    return path;
  };

  async function indexDuplicates(requestId: string): Promise<number> {
    const row = await mustGetRow(requestId);
    if (row.duplicate_groups !== null) return row.duplicate_groups as number;
    // A slice a statement: no long transaction, and a slice re-run (or run by two processes) inserts nothing twice.
    for (const [from, to] of bucketRanges(Number(row.processed_count))) await db.run(INDEX_SLICE_PG, [requestId, from, to]);
    await db.run(
      `UPDATE requests SET duplicate_groups = (SELECT COUNT(DISTINCT group_no) FROM duplicates WHERE request_id = $1)
       WHERE id = $1 AND duplicate_groups IS NULL`,
      [requestId],
    );
    return ((await mustGetRow(requestId)).duplicate_groups as number | null) ?? 0;
  }

  return {
    newRequestId: () => newRequestId(ctx.podId),

    saveInput: (requestId, kind, bytes) => files.saveInput(requestId, kind, bytes),
    discardInput: async (requestId) => void (await files.discardInputs(requestId)),
    openInput(requestId) {
      // Looked up as the stream starts: an unknown request or a missing input errors the stream.
      return Readable.from(
        (async function* () {
          const path = await location(requestId, 'input_path', 'input file');
          yield* files.openInput(requestId, path);
        })(),
        { objectMode: false },
      );
    },
    async writeOutput(requestId, chunks) {
      await files.writeOutput(requestId, files.outputLocation((await mustGet(requestId)).output), chunks);
    },
    async openOutput(requestId) {
      return files.openOutput(requestId, await location(requestId, 'output_path', 'output'));
    },

    async createRequest(request) {
      const id = request.id ?? newRequestId(ctx.podId);
      const t = now().getTime();
      const { config } = request;
      // A pulled request has no input file; any other reads the one saved under its id (a vc upload is saved as csv).
      const pulled = PULLED_INPUT_KINDS.includes(request.inputKind);
      const inputPath = pulled ? null : await files.savedInput(id);
      if (!pulled && !inputPath) throw new StoreError('STORE_FILE_MISSING', `no ${request.inputKind} input saved for ${id}`);
      const [row] = await db.rows(
        `INSERT INTO requests (id, status, phase, input_kind, input_path, output, deliverytype, config_ct,
           delivery_state, created_at, updated_at, caller) VALUES ($1, 'submitted', 'new', $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING *`,
        [
          id,
          request.inputKind,
          inputPath,
          config.output,
          config.deliverytype,
          sealValue(keyring, config, `${id}/config`),
          config.deliverytype === 'download' ? 'none' : 'pending',
          t,
          t,
          request.caller ?? null,
        ],
      );
      return toRequestInfo(row!);
    },

    async getRequest(id) {
      const row = await getRow(id);
      return row ? toRequestInfo(row) : null;
    },

    async getRequestConfig(id) {
      const row = await getRow(id);
      return row ? open<RequestConfig>(row.config_ct, `${id}/config`) : null;
    },

    async listRequests({ phase, caller, limit = 100, newestFirst = false }) {
      if (phase?.length === 0) return [];
      const where: string[] = [];
      const params: unknown[] = [];
      if (phase) where.push(`phase = ANY($${params.push(phase)}::text[])`);
      if (caller !== undefined) where.push(`caller = $${params.push(caller)}`);
      const order = newestFirst ? 'created_at DESC, id DESC' : 'created_at, id';
      const sql = `SELECT * FROM requests ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${order} LIMIT $${params.push(limit)}`;
      return (await db.rows(sql, params)).map(toRequestInfo);
    },

    beginIngest: transition(sql.beginIngest),
    noteError: transition(sql.noteError),
    endIngest: transition(sql.endIngest),
    beginDelivery: transition(sql.beginDelivery),
    outputWritten: async (id: string, status: OutputStatus) => recordOutput(id, files.outputLocation((await mustGet(id)).output), status),
    outputFailed: transition(sql.outputFailed),
    delivered: transition(sql.delivered),
    deliveryFailed: transition(sql.deliveryFailed),
    async abandonDelivery(id, options) {
      const info = await abandon(id, options);
      // An output written before a crash but never recorded would otherwise outlive the request.
      if (!info.hasOutput) await files.discardOutputs(id);
      return info;
    },
    finish: transition(sql.finish),

    insertRecords: (requestId, records) => writes.insertRecords(requestId, records),

    async pendingRecords(requestId, chunk) {
      const rows = await db.rows<{ line_no: number; seq: number; input_ct: Buffer | null }>(
        numbered(pendingInChunkSql('postgres')),
        [requestId, chunk],
      );
      return rows.map((r) => ({ lineNo: r.line_no, seq: r.seq, input: open(r.input_ct, recordAad(requestId, r.line_no, 'input')) }));
    },

    recordAnswers: (requestId, answers) => writes.recordAnswers(requestId, answers),
    failPendingRecords: (requestId, options) => writes.failPendingRecords(requestId, options),

    async countPending(requestId, chunk) {
      const [row] =
        chunk === undefined
          ? await db.rows<{ n: number }>(`SELECT COUNT(*) AS n FROM records WHERE request_id = $1 AND ${PENDING}`, [requestId])
          : await db.rows<{ n: number }>(`SELECT COUNT(*) AS n FROM records WHERE request_id = $1 AND chunk = $2 AND ${PENDING}`, [requestId, chunk]);
      return Number(row!.n);
    },

    async hasPending(requestId) {
      return (await db.rows(numbered(anyPendingSql('postgres')), [requestId])).length > 0;
    },

    async chunksWithPending(requestId) {
      const rows = await db.rows<{ chunk: number }>(`SELECT DISTINCT chunk FROM records WHERE request_id = $1 AND ${PENDING} ORDER BY chunk`, [requestId]);
      return rows.map((r) => Number(r.chunk));
    },

    async lastChunk(requestId) {
      const [row] = await db.rows<{ c: number | null }>('SELECT MAX(chunk) AS c FROM records WHERE request_id = $1', [requestId]);
      return row?.c === null || row?.c === undefined ? -1 : Number(row.c);
    },

    streamRecords: (requestId, options) => readRecords(requestId, options ?? {}, ''),
    streamUndelivered: (requestId, options) => readRecords(requestId, options ?? {}, `AND ${UNDELIVERED}`),
    recordDeliveries: (requestId, outcomes) => writes.recordDeliveries(requestId, outcomes),

    async countUndelivered(requestId) {
      const [row] = await db.rows<{ n: number }>(`SELECT COUNT(*) AS n FROM records WHERE request_id = $1 AND ${UNDELIVERED}`, [requestId]);
      return Number(row!.n);
    },

    indexDuplicates,
    duplicateGroups: (requestId, { pageSize = 1000 } = {}) =>
      readGroups((key, line) => db.rows<GroupRow>(numbered(GROUPS_PAGE_SQL), [requestId, key, key, line, pageSize]), pageSize),

    async erasePii(requestId) {
      const row = await mustGetRow(requestId);
      // Erased in bounded statements so a huge request never holds many row locks for long, each one starting where
      // the last one stopped (by line_no): looking for rows still holding PII from the top every time re-read the
      // erased ones, O(N²) over a large request.
      const eraseSome = async (after: number): Promise<number | null> => {
        const [page] = await db.rows<{ last: number | null }>(numbered(ERASE_PAGE_END_SQL), [requestId, after, batchSize * 10]);
        if (page?.last === null || page?.last === undefined) return null;
        const last = Number(page.last);
        await db.run(numbered(ERASE_PAGE_SQL), [requestId, after, last]);
        return last;
      };
      for (let after: number | null = BEFORE_FIRST_LINE; after !== null; ) {
        after = await eraseSome(after);
        if (after !== null) await tick();
      }
      await files.remove(requestId, row.input_path as string | null);
      const t = now().getTime();
      await db.run('UPDATE requests SET config_ct = NULL, pii_erased_at = $1, updated_at = $1 WHERE id = $2', [t, requestId]);
    },

    async cleanup({ expirySeconds, now: at = now() }) {
      const cutoff = at.getTime() - expirySeconds * 1000;
      const rows = await db.rows<{ id: string }>(
        `SELECT id FROM requests WHERE phase = 'done' AND finished_at IS NOT NULL AND finished_at < $1`,
        [cutoff],
      );
      let removed = 0;
      let requests = 0;
      for (const { id } of rows) {
        // Only the process whose DELETE takes the row removes (and counts) it: two clean-ups at once count once.
        const gone = await db.tx(async (q) => {
          if ((await q.run(`DELETE FROM requests WHERE id = $1 AND phase = 'done'`, [id])) === 0) return null;
          return q.run('DELETE FROM request_files WHERE request_id = $1', [id]);
        });
        if (gone === null) continue;
        requests++;
        removed += gone;
      }
      // Unfinished writes and inputs without a request are stale only after a day, whatever the expiry (which may be
      // 0): an upload or output being written now is not clean-up's to take.
      removed += await files.removeStale(Math.min(cutoff, at.getTime() - STALE_WRITE_MS));
      return { requests, files: removed };
    },

    async countRequestsByStatus() {
      if (!ctx.dataSource.isInitialized) throw new StoreError('STORE_UNAVAILABLE', 'the database is closed');
      let rows: { status: RequestStatus; n: string }[];
      try {
        rows = await db.rows<{ status: RequestStatus; n: string }>('SELECT status, COUNT(*) AS n FROM requests GROUP BY status');
      } catch (error) {
        throw new StoreError('STORE_UNAVAILABLE', 'the database cannot be queried', { retryable: true, cause: error });
      }
      const counts: Partial<Record<RequestStatus, number>> = {};
      for (const r of rows) counts[r.status] = Number(r.n);
      return counts;
    },

    async close() {
      if (ctx.dataSource.isInitialized) await ctx.dataSource.destroy();
    },
  };
}
