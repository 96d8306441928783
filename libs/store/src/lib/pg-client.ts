import pg from 'pg';

/** How long a new PostgreSQL connection may take to be ready unless told otherwise: the store's and the queue's. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/**
 * A `pg.Client` class whose connection setup (TCP, TLS, authentication) fails after `ms`, for a pool's `Client`
 * option. pg-pool's own `connectionTimeoutMillis` would also fail a query that waits longer than that for a free
 * connection of a busy pool, which is load, not a dead server.
 *
 * @example
 * const pool = new pg.Pool({ connectionString, Client: clientWithConnectTimeout() });
 */
export function clientWithConnectTimeout(ms = DEFAULT_CONNECT_TIMEOUT_MS): typeof pg.Client {
  return class TimedClient extends pg.Client {
    constructor(config?: string | pg.ClientConfig) {
      super(typeof config === 'string' ? { connectionString: config, connectionTimeoutMillis: ms } : { ...config, connectionTimeoutMillis: ms });
    }
  };
}
