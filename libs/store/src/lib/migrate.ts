import type { DataSource } from 'typeorm';
import { StoreError } from './errors.js';
import { Initial1764300000000 } from './migrations/0001-initial.js';
import { RecordDelivery1764400000000 } from './migrations/0002-record-delivery.js';
import { Duplicates1764500000000 } from './migrations/0003-duplicates.js';
import { RequestFiles1764700000000 } from './migrations/0004-request-files.js';
import { Caller1764800000000 } from './migrations/0005-caller.js';
import { PendingIndex1764900000000, PendingIndexSqlite1764900000000 } from './migrations/0006-pending-index.js';
import { TokenBuckets1765000000000, TokenBucketsSqlite1765000000000 } from './migrations/0007-token-buckets.js';

/** The same migrations, in order, on both engines (each switches its column types with migrations/dialect.ts). */
export const MIGRATIONS = [Initial1764300000000, RecordDelivery1764400000000, Duplicates1764500000000, RequestFiles1764700000000, Caller1764800000000, PendingIndex1764900000000, TokenBuckets1765000000000];
/** SQLite's list: the same, but 0006 and 0007 in a transaction (see their classes). */
type Migration = (typeof MIGRATIONS)[number];
const SQLITE_VARIANTS = new Map<Migration, Migration>([
  [PendingIndex1764900000000, PendingIndexSqlite1764900000000],
  [TokenBuckets1765000000000, TokenBucketsSqlite1765000000000],
]);
export const SQLITE_MIGRATIONS: Migration[] = MIGRATIONS.map((m) => SQLITE_VARIANTS.get(m) ?? m);

// The API and the worker may open a fresh file at the same moment; the loser of that race sees the
// winner's tables, fails, and succeeds on a retry that finds the migrations already recorded.
export async function runMigrations(dataSource: DataSource): Promise<void> {
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
