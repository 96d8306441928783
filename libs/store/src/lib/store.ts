import type BetterSqlite3 from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DataSource } from 'typeorm';
import { createStore } from './create-store.js';
import type { DataKeyring } from './data-key.js';
import { createEntities } from './entities.js';
import { StoreError } from './errors.js';
import { ensurePrivateDatabaseFile, ensurePrivateDir } from './file-modes.js';
import { checkSealedKeyIds, fileKeyIds, SEALED_KEY_IDS_SQL } from './key-check.js';
import type { FailPendingOptions, FailPendingResult } from './give-up.js';
import type { DeliveryOutcome, RecordDeliveriesResult } from './record-delivery.js';
import { runMigrations, SQLITE_MIGRATIONS } from './migrate.js';
import { openPostgres } from './pg-open.js';
import type { DuplicateGroup } from './duplicates.js';
import { newRequestId } from './request-id.js';
import type { Readable } from 'node:stream';
import type { ByteSource, InputFileKind } from './request-files.js';
import type { AbandonDeliveryOptions, DeliveryFailureStatus, DownloadErrorStatus, EndIngestOptions, OutputStatus } from './transitions.js';
import type {
  CleanupPolicy,
  CleanupResult,
  NewRecord,
  NewRequest,
  PendingRecord,
  RecordAnswer,
  RequestConfig,
  RequestInfo,
  RequestPhase,
  RequestStatus,
  StoredRecord,
} from './types.js';

/** What both engines take. */
interface CommonStoreOptions {
  /** From {@link loadOrCreateDataKey}. */
  keyring: DataKeyring;
  /** Two digits that start every request id this process makes (MTS's pod id); default `'00'`. */
  podId?: string;
  /** Rows per write transaction (statement on PostgreSQL); default 500. */
  batchSize?: number;
  now?: () => Date;
  /**
   * Refuse to open (`STORE_UNKNOWN_KEY_ID`) when a request not yet erased was sealed under a key the keyring lacks;
   * default true. False only to reach such a store on purpose (a test, a clean-up).
   */
  checkKeys?: boolean;
}

/** The embedded default: one SQLite file, and the request files beside it on the local disk. */
export interface SqliteStoreOptions extends CommonStoreOptions {
  /** The SQLite file, e.g. `<dataDir>/seeder.sqlite` (shared by the API and the worker). */
  path: string;
  url?: never;
  /** Where input and output files live; default `<dirname(path)>/files`. */
  filesDir?: string;
  /** How long a write waits for another process's lock; default 5000 ms. */
  busyTimeoutMs?: number;
}

/**
 * PostgreSQL, shared by any number of processes on any number of hosts: requests, records and the encrypted input
 * and output files all live in the database (nothing on a local disk).
 */
export interface PostgresStoreOptions extends CommonStoreOptions {
  /** `postgres://user:password@host:5432/db` (or `postgresql://`). */
  url: string;
  path?: never;
  /** The schema holding every table, created if missing; default `public`. Lower-case letters, digits, `_`. */
  schema?: string;
  /** Connections in this store's pool; default 10, at least 2 (migrations hold one while running on another). */
  poolSize?: number;
  /**
   * How long a new connection may take to be ready (TCP, TLS, authentication), in ms; default 10000. A server that
   * accepts but never answers otherwise holds `openStore`, and every query waiting for a connection, for ever. A query
   * waiting for a free connection of a busy pool is not limited by it.
   */
  connectTimeoutMs?: number;
}

/** `path` opens SQLite; `url` opens PostgreSQL. */
export type StoreOptions = SqliteStoreOptions | PostgresStoreOptions;

/** Result of {@link Store.insertRecords}: rows actually added (re-inserted lines are ignored). */
export interface InsertRecordsResult {
  inserted: number;
  invalid: number;
}

/** The store: see the package README for the life of a request through these calls. */
export interface Store {
  newRequestId(): string;

  /**
   * Streams a request's input (an upload, a JSON body as NDJSON) into its encrypted input file, under an id from
   * {@link Store.newRequestId}, before {@link Store.createRequest}. Resolves once the file is complete; on failure
   * (the source errors, the disk fills) rejects with that error and leaves nothing behind.
   */
  saveInput(requestId: string, kind: InputFileKind, bytes: ByteSource): Promise<void>;
  /** Removes a saved input no request will use (the envelope was refused). */
  discardInput(requestId: string): Promise<void>;
  /** The decrypted input of a csv/json/ndjson request; a damaged file errors the stream (`STORE_FILE_*`). */
  openInput(requestId: string): Readable;
  /**
   * Streams the output text into the request's encrypted output file (in the request's `output` format),
   * atomically: until it resolves no output exists; on failure it rejects with the cause (e.g. `ENOSPC`) and
   * leaves nothing behind. Record it with {@link Store.outputWritten}.
   */
  writeOutput(requestId: string, chunks: ByteSource): Promise<void>;
  /**
   * The decrypted output. The file's header and first authenticated chunk are checked before it resolves:
   * `STORE_NOT_FOUND` (no output recorded), `STORE_FILE_MISSING`, `STORE_FILE_CORRUPT` / `STORE_FILE_TRUNCATED` /
   * `STORE_UNKNOWN_KEY_ID`; damage found later errors the stream.
   */
  openOutput(requestId: string): Promise<Readable>;

  /** Status `submitted`, phase `new`; a csv/json/ndjson input must have been saved under the id first. */
  createRequest(request: NewRequest): Promise<RequestInfo>;
  getRequest(id: string): Promise<RequestInfo | null>;
  /** The decrypted envelope settings; null if the request is unknown or its PII/secrets were erased. */
  getRequestConfig(id: string): Promise<RequestConfig | null>;
  /**
   * Requests in the given phases (all phases when `phase` is left out; none for `[]`), of one caller when `caller`
   * is given, oldest first or, with `newestFirst`, newest first; at most `limit` (default 100).
   */
  listRequests(filter: { phase?: RequestPhase[]; caller?: string; limit?: number; newestFirst?: boolean }): Promise<RequestInfo[]>;

  // Transitions: each one transaction, guarded by the phase it starts from, so a repeat changes nothing.
  /** `new` → `ingesting`, status `processing`. */
  beginIngest(requestId: string): Promise<RequestInfo>;
  /** While ingesting or processing: a problem that makes the request end `processed_with_errors` (a code, no PII). */
  noteError(requestId: string, code: string): Promise<RequestInfo>;
  /** `new` | `ingesting` → `processing`, with the chunk count (at least the stored chunks) and why it ended early. */
  endIngest(requestId: string, options: EndIngestOptions): Promise<RequestInfo>;
  /** `processing` → `delivering`, once no record is pending. */
  beginDelivery(requestId: string): Promise<RequestInfo>;
  /** Records the file {@link Store.writeOutput} wrote, and the status it gives the request (MTS bug 4: not before). */
  outputWritten(requestId: string, status: OutputStatus): Promise<RequestInfo>;
  /** The output could not be written: `done` with that status (also kept as `lastError`). */
  outputFailed(requestId: string, status: DownloadErrorStatus): Promise<RequestInfo>;
  /** The pending delivery (callback, …) succeeded. */
  delivered(requestId: string): Promise<RequestInfo>;
  /** The pending delivery failed for good: the delivery's failure status (`error_making_callback_request`) and its code. */
  deliveryFailed(requestId: string, status: DeliveryFailureStatus, code: string): Promise<RequestInfo>;
  /**
   * A delivery given up: without an output, `statusWithoutOutput` (and any output file not recorded is removed);
   * with one, a pending delivery ends with its `failureStatus` (default `error_making_callback_request`) and a download
   * keeps its status.
   */
  abandonDelivery(requestId: string, options: AbandonDeliveryOptions): Promise<RequestInfo>;
  /** `processing` | `delivering` → `done` (terminal; only `done` requests expire). */
  finish(requestId: string): Promise<RequestInfo>;

  /** Batched, idempotent on (requestId, lineNo); advances the request's total/invalid counts and ingest mark. */
  insertRecords(requestId: string, records: readonly NewRecord[]): Promise<InsertRecordsResult>;
  /** Records of one chunk still without an answer, in order, with their decrypted IDA input. */
  pendingRecords(requestId: string, chunk: number): Promise<PendingRecord[]>;
  /** Stores answers of pending records only (an answered record is never overwritten); counts exactly. */
  recordAnswers(requestId: string, answers: readonly RecordAnswer[]): Promise<{ recorded: number }>;
  /**
   * Ends the pending records of a chunk (or of the whole request) that will never get an answer: status `error`
   * with the given code; `error` counted in the same transaction, only for rows still pending (idempotent).
   */
  failPendingRecords(requestId: string, options: FailPendingOptions): Promise<FailPendingResult>;
  /**
   * How many records still wait for an answer, in the request or in one chunk of it. Counting a whole request visits
   * each of its pending records: to ask only whether any is left, use {@link Store.hasPending}.
   */
  countPending(requestId: string, chunk?: number): Promise<number>;
  /** Whether any record of the request still waits for an answer: one index probe, whatever the request's size. */
  hasPending(requestId: string): Promise<boolean>;
  /** The chunks that still hold records waiting for an answer, ascending. */
  chunksWithPending(requestId: string): Promise<number[]>;
  /** The highest chunk number stored for the request, or -1 when it has no records. */
  lastChunk(requestId: string): Promise<number>;
  /**
   * Every record in input order, decrypted, read a page at a time. `received: false` skips reading and decrypting
   * the received records (they come back null) when the caller does not use them.
   */
  streamRecords(requestId: string, options?: { pageSize?: number; received?: boolean }): AsyncIterable<StoredRecord>;
  /**
   * As streamRecords, but only the records whose callback has not had a 2xx ({@link Store.recordDeliveries}):
   * what a re-run of a per-record callback still has to send.
   */
  streamUndelivered(requestId: string, options?: { pageSize?: number; received?: boolean }): AsyncIterable<StoredRecord>;
  /**
   * Marks records' callbacks, batched in transactions: `ok` sets `delivered_at` (for good), a failure keeps the record
   * undelivered with its code. A record already delivered is not changed, so a repeat counts nothing twice.
   */
  recordDeliveries(requestId: string, outcomes: readonly DeliveryOutcome[]): Promise<RecordDeliveriesResult>;
  /** How many records of the request have not been delivered by callback. */
  countUndelivered(requestId: string): Promise<number>;
  /**
   * Groups the request's records that received the same token (the duplicate report), once every record is
   * answered; returns the number of groups, also kept as the request's `duplicateGroups`. A repeat changes nothing.
   */
  indexDuplicates(requestId: string): Promise<number>;
  /** The groups {@link Store.indexDuplicates} found, in order of their first line, read a page at a time. */
  duplicateGroups(requestId: string, options?: { pageSize?: number }): AsyncIterable<DuplicateGroup>;
  /** Nulls every PII/secret column of the request and deletes its input file; keeps statuses, counts, output file. */
  erasePii(requestId: string): Promise<void>;
  /** Deletes finished (`phase = 'done'`) requests that finished before now − expiry, with their records and files. */
  cleanup(policy: CleanupPolicy): Promise<CleanupResult>;
  /**
   * How many requests are in each status (statuses with none are left out): one grouped query, cheap enough for
   * every metrics scrape and readiness probe. Rejects with `STORE_UNAVAILABLE` when the database cannot be queried.
   */
  countRequestsByStatus(): Promise<Partial<Record<RequestStatus, number>>>;
  close(): Promise<void>;
}

/**
 * Opens (creating if needed) the store and runs its migrations: with `path`, SQLite (WAL mode, a busy timeout);
 * with `url`, PostgreSQL (in `schema`).
 *
 * @example
 * ```ts
 * const keyring = loadOrCreateDataKey({ keyFile: './data/data.key' });
 * const store = await openStore({ path: './data/seeder.sqlite', keyring });
 * const id = store.newRequestId();
 * await store.saveInput(id, 'ndjson', ['{"vid":"123"}\n']);
 * const req = await store.createRequest({ id, inputKind: 'ndjson', config: { output: 'csv', deliverytype: 'download' } });
 * // Or, shared by many processes: openStore({ url: 'postgres://mts@db:5432/mts', schema: 'mts', keyring })
 * ```
 */
export async function openStore(options: StoreOptions): Promise<Store> {
  const opened = typeof options.url === 'string' ? await openPostgres(options as PostgresStoreOptions) : await openSqlite(options as SqliteStoreOptions);
  dataSources.set(opened.store, opened.dataSource);
  return opened.store;
}

async function openSqlite(options: SqliteStoreOptions): Promise<{ store: Store; dataSource: DataSource }> {
  const { path, keyring, podId = '00', busyTimeoutMs = 5000, batchSize = 500, now = () => new Date() } = options;
  if (!path) throw new StoreError('STORE_INVALID_OPTIONS', 'path is required');
  newRequestId(podId); // validates podId up front
  const filesDir = options.filesDir ?? join(dirname(path), 'files');
  // The database, its -wal/-shm and the data dir are private like the key and the files (0600/0700, any umask).
  ensurePrivateDir(dirname(path));
  mkdirSync(filesDir, { recursive: true, mode: 0o700 });
  ensurePrivateDatabaseFile(path);

  const dataSource = new DataSource({
    type: 'better-sqlite3',
    database: path,
    timeout: busyTimeoutMs,
    entities: createEntities('sqlite'),
    migrations: SQLITE_MIGRATIONS,
    migrationsTransactionMode: 'each',
    synchronize: false,
    prepareDatabase: (db: BetterSqlite3.Database) => {
      db.pragma('journal_mode = WAL');
      db.pragma(`busy_timeout = ${Number(busyTimeoutMs)}`);
      db.pragma('synchronous = NORMAL');
      // Erased PII must not stay readable on disk: freed cells and pages are zeroed, and the write-ahead log is cut back
      // each time it starts over instead of keeping old page images at its end (see erasePii's checkpoint).
      db.pragma('secure_delete = ON');
      db.pragma('journal_size_limit = 0');
    },
  });
  await dataSource.initialize();
  await runMigrations(dataSource);
  const db = (dataSource.driver as unknown as { databaseConnection: BetterSqlite3.Database }).databaseConnection;
  if (options.checkKeys !== false) {
    try {
      const sealed = (db.prepare(SEALED_KEY_IDS_SQL.sqlite).all() as { id: string }[]).map((r) => r.id);
      checkSealedKeyIds([...new Set([...sealed, ...(await fileKeyIds(filesDir))])], keyring);
    } catch (error) {
      await dataSource.destroy();
      throw error;
    }
  }
  return { store: createStore({ dataSource, db, keyring, filesDir, podId, batchSize, now }), dataSource };
}

const dataSources = new WeakMap<Store, DataSource>();

/** The TypeORM DataSource under a store: for this package's own tests only (not exported by the package). */
export function dataSourceOf(store: Store): DataSource {
  const dataSource = dataSources.get(store);
  if (!dataSource) throw new StoreError('STORE_INVALID_OPTIONS', 'not a store opened by openStore');
  return dataSource;
}
