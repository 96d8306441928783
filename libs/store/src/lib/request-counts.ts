import type BetterSqlite3 from 'better-sqlite3';
import { StoreError, wrapBusy } from './errors.js';
import type { RequestStatus } from './types.js';

/** `Store.countRequestsByStatus`: one `GROUP BY` over the requests table (small: cleaned up after retention). */
export function createRequestCounts(db: BetterSqlite3.Database): () => Promise<Partial<Record<RequestStatus, number>>> {
  return async () => {
    if (!db.open) throw new StoreError('STORE_UNAVAILABLE', 'the database is closed');
    let rows: { status: RequestStatus; n: number }[];
    try {
      rows = wrapBusy(() => db.prepare('SELECT status, COUNT(*) AS n FROM requests GROUP BY status').all()) as typeof rows;
    } catch (error) {
      if (error instanceof StoreError) throw error;
      throw new StoreError('STORE_UNAVAILABLE', 'the database cannot be queried', { cause: error });
    }
    const counts: Partial<Record<RequestStatus, number>> = {};
    for (const r of rows) counts[r.status] = Number(r.n);
    return counts;
  };
}
