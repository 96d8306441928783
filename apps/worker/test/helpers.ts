import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import Database from 'better-sqlite3';
import { loadOrCreateDataKey, openStore, type RequestConfig, type RequestInfo, type Store } from '@mts/store';
import { SYNTHETIC_PARTNER_ENV } from '@mts/testing';
import type { Agenda } from 'agenda';
import { loadConfig, type WorkerConfig } from '../src/config.js';
import type { WorkerContext } from '../src/lib/context.js';
import { createLogger } from '../src/lib/logger.js';
import { storeTarget } from '@mts/service-kit';

export const DATA_KEY = Buffer.alloc(32, 11).toString('base64');

/**
 * Worker settings for a test: fast polls and retries, a temp data dir, clean-up off unless asked; synthetic partner
 * settings (tests that call an IDA pass the sandbox's in `extra`, the others inject an authenticator).
 */
export function testEnv(dataDir: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...SYNTHETIC_PARTNER_ENV,
    MTS_DATA_DIR: dataDir,
    MTS_DATA_KEY: DATA_KEY,
    MTS_POLL_INTERVAL_MS: '50',
    MTS_CHUNK_SIZE: '25',
    MTS_IDA_CONCURRENCY: '8',
    MTS_RETRY_BASE_MS: '100',
    MTS_RETRY_MAX_MS: '400',
    MTS_JOB_LOCK_LIFETIME_MS: '2000',
    MTS_LOG_LEVEL: 'error',
    TOKENSEEDER_CLEANUP__ENABLED: 'false',
    // The stand-ins listen on loopback: allowed by name, with the policy that refuses private addresses still on.
    MTS_OUTBOUND_ALLOW: '127.0.0.1,::1,localhost',
    ...extra,
  };
}

export function testConfig(dataDir: string, extra: Record<string, string> = {}): WorkerConfig {
  return loadConfig(testEnv(dataDir, extra));
}

/** The API's side of the hand-off: its own store connection on the same database (SQLite file or PostgreSQL). */
export function openApiStore(config: WorkerConfig): Promise<Store> {
  return openStore({ ...storeTarget(config), keyring: loadOrCreateDataKey({ dataKey: DATA_KEY }) });
}

/** Stores a request the way the API does: encrypted input file, then the request row (phase `new`). */
export async function submit(
  store: Store,
  kind: 'ndjson' | 'csv',
  records: Record<string, unknown>[] | string,
  config: Partial<RequestConfig> = {},
): Promise<string> {
  const id = store.newRequestId();
  const body = typeof records === 'string' ? [records] : records.map((r) => `${JSON.stringify(r)}\n`);
  await store.saveInput(id, kind, body);
  await store.createRequest({ id, inputKind: kind, config: { output: 'json', deliverytype: 'download', ...config } });
  return id;
}

/** The store's files of one request (full paths), as they lie in `<dataDir>/files`: tests that damage or look for them. */
export async function filesOf(dataDir: string, id: string): Promise<string[]> {
  const dir = join(dataDir, 'files');
  return (await readdir(dir)).filter((f) => f.startsWith(id)).sort().map((f) => join(dir, f));
}

/** SQL straight on the store's file (`<dataDir>/seeder.sqlite`), for tests that damage or inspect rows the store hides. */
export function sql<T = unknown>(dataDir: string, query: string, ...params: unknown[]): T[] {
  const db = new Database(join(dataDir, 'seeder.sqlite'));
  try {
    db.pragma('busy_timeout = 5000');
    const statement = db.prepare(query);
    if (statement.reader) return statement.all(...params) as T[];
    statement.run(...params);
    return [];
  } finally {
    db.close();
  }
}

/** Synthetic people: every 10th has no gender (invalid, ATS-REQ-011). */
export function people(n: number, from = 0): Record<string, unknown>[] {
  return Array.from({ length: n }, (_, i) => {
    const k = from + i;
    const person: Record<string, unknown> = {
      vid: String(4000000000 + k),
      name: `Zorbelina Quux${k}`,
      gender: 'Female',
      dob: '1990/01/01',
      fullAddress: `${k} Synthetic Lane`,
    };
    if (k % 10 === 7) delete person.gender;
    return person;
  });
}

export async function waitFor<T>(fn: () => Promise<T | undefined | null | false>, timeoutMs = 20_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function waitDone(store: Store, id: string, timeoutMs?: number): Promise<RequestInfo> {
  return waitFor(async () => {
    const r = await store.getRequest(id);
    return r?.phase === 'done' ? r : undefined;
  }, timeoutMs, `request ${id} to finish`);
}

export async function readOutput(store: Store, info: RequestInfo): Promise<string> {
  return text(await store.openOutput(info.id));
}

/** A job enqueued through {@link recordingContext}, with the request's phase at that moment. */
export interface Enqueued {
  name: string;
  data: { requestId: string; chunk?: number };
  phaseThen: string;
}

/**
 * A job context over a real store whose Agenda only records what is enqueued (what enqueueOnce uses:
 * create(name, data).unique(...).save()), for tests that run a job function directly.
 */
export function recordingContext(store: Store, enqueued: Enqueued[], config: WorkerConfig): WorkerContext {
  const agenda = {
    create: (name: string, data: Enqueued['data']) => {
      const job = {
        unique: () => job,
        save: async () => {
          enqueued.push({ name, data, phaseThen: (await store.getRequest(data.requestId))!.phase });
          return job;
        },
      };
      return job;
    },
  } as unknown as Agenda;
  return { config, store, agenda, log: createLogger({ level: 'error' }) } as unknown as WorkerContext;
}
