// The store suites run on both engines: SQLite in a temp dir, and (when PostgreSQL is up) PostgreSQL in a fresh
// schema per place. Test-only: not part of the package.
import { randomBytes } from 'node:crypto';
import { readdir, readFile, unlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { createTempDir, requires, testPostgresUrl } from '@mts/testing';
import { numbered } from '../src/lib/pg-db.js';
import { dataSourceOf, openStore, type Store, type StoreOptions } from '../src/lib/store.js';

/** What a test passes to open a store; the engine adds where it lives. */
export type PlaceOptions = Pick<StoreOptions, 'keyring' | 'batchSize' | 'now' | 'podId' | 'checkKeys'>;
type Row = Record<string, unknown>;

/** Where one test's store lives: opened (again) with the same data, inspected, damaged and removed. */
export interface StorePlace {
  open(options: PlaceOptions): Promise<Store>;
  /** The request files that exist, named as on disk: `<id>.<name>.enc`, with `.part` while being written. */
  files(): Promise<string[]>;
  /** Every byte the database holds (files, rows), to look for plaintext in. */
  dump(): Promise<Buffer>;
  /** Replaces a stored request file's sealed bytes by `change(bytes)`; null deletes it. */
  damage(requestId: string, name: string, change: (bytes: Buffer) => Buffer | null): Promise<void>;
  /** Leaves a half-written file, as a crash mid-write long ago does (written at epoch 0). */
  strayPart(requestId: string, name: string): Promise<void>;
  remove(): Promise<void>;
}

export interface StoreEngine {
  name: 'sqlite' | 'postgres';
  place(prefix: string): Promise<StorePlace>;
  /** SQL on the store's database with `?` placeholders, on either engine. */
  query(store: Store, sql: string, params?: unknown[]): Promise<Row[]>;
}

export const sqliteEngine: StoreEngine = {
  name: 'sqlite',
  async place(prefix) {
    const dir = await createTempDir(prefix);
    const filesDir = join(dir.path, 'files');
    const fileOf = (id: string, name: string) => join(filesDir, `${id}.${name}.enc`);
    return {
      open: (options) => openStore({ ...options, path: join(dir.path, 'seeder.sqlite') }),
      files: async () => (await readdir(filesDir)).sort(),
      async dump() {
        const parts = await Promise.all(['seeder.sqlite', 'seeder.sqlite-wal'].map((f) => readFile(join(dir.path, f)).catch(() => Buffer.alloc(0))));
        return Buffer.concat(parts);
      },
      async damage(id, name, change) {
        const changed = change(await readFile(fileOf(id, name)));
        if (changed) await writeFile(fileOf(id, name), changed);
        else await unlink(fileOf(id, name));
      },
      async strayPart(id, name) {
        await writeFile(`${fileOf(id, name)}.part`, 'half');
        await utimes(`${fileOf(id, name)}.part`, 0, 0);
      },
      remove: () => dir.remove(),
    };
  },
  query: (store, sql, params = []) => dataSourceOf(store).query(sql, params),
};

export const postgresEngine: StoreEngine = {
  name: 'postgres',
  async place() {
    const url = testPostgresUrl();
    const schema = `mts_store_test_${randomBytes(5).toString('hex')}`;
    const admin = new pg.Pool({ connectionString: url, max: 1, options: `-c search_path=${schema}` });
    const rows = async (sql: string, params: unknown[] = []) => (await admin.query(sql, params)).rows as Row[];
    const fileId = async (id: string, name: string) => {
      const [file] = await rows('SELECT id FROM request_files WHERE request_id = $1 AND name = $2 AND complete = 1', [id, name]);
      if (!file) throw new Error(`no file ${name}`);
      return String(file.id);
    };
    return {
      open: (options) => openStore({ ...options, url, schema, poolSize: 3 }),
      async files() {
        const files = await rows('SELECT request_id, name, complete FROM request_files').catch(() => []);
        return files.map((f) => `${f.request_id}.${f.name}.enc${f.complete ? '' : '.part'}`).sort();
      },
      async dump() {
        const parts: Buffer[] = [];
        for (const table of ['requests', 'records', 'duplicates', 'request_files', 'request_file_chunks']) {
          for (const row of await rows(`SELECT * FROM ${table}`)) {
            for (const v of Object.values(row)) parts.push(Buffer.isBuffer(v) ? v : Buffer.from(String(v)));
          }
        }
        return Buffer.concat(parts);
      },
      async damage(id, name, change) {
        const file = await fileId(id, name);
        const chunks = await rows('SELECT bytes FROM request_file_chunks WHERE file_id = $1 ORDER BY seq', [file]);
        const changed = change(Buffer.concat(chunks.map((c) => c.bytes as Buffer)));
        if (!changed) {
          await rows('DELETE FROM request_files WHERE id = $1', [file]);
          return;
        }
        // Stored again as one row: the reader takes sealed bytes in pieces of any size.
        await rows('DELETE FROM request_file_chunks WHERE file_id = $1', [file]);
        await rows('INSERT INTO request_file_chunks (file_id, seq, bytes) VALUES ($1, 0, $2)', [file, changed]);
      },
      async strayPart(id, name) {
        const file = `stray-${randomBytes(4).toString('hex')}`;
        await rows('INSERT INTO request_files (id, request_id, name, complete, created_at) VALUES ($1, $2, $3, 0, 0)', [file, id, name]);
        await rows('INSERT INTO request_file_chunks (file_id, seq, bytes) VALUES ($1, 0, $2)', [file, Buffer.from('half')]);
      },
      async remove() {
        await rows(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await admin.end();
      },
    };
  },
  query: (store, sql, params = []) => dataSourceOf(store).query(numbered(sql), params),
};

/**
 * Declares the suite once per engine: SQLite always, PostgreSQL when it is reachable (else the suite is skipped
 * with the run's note saying what to start, and fails under CI).
 */
export function describeEngines(title: string, fn: (engine: StoreEngine) => void): void {
  describe(`${title} [sqlite]`, () => fn(sqliteEngine));
  requires('postgres')(`${title} [postgres]`, () => fn(postgresEngine));
}
