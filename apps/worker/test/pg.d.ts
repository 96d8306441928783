// The little of `pg` the PostgreSQL test uses (the workspace has no @types/pg).
declare module 'pg' {
  class Client {
    constructor(options: { connectionString: string });
    connect(): Promise<void>;
    query(sql: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[]; rowCount: number | null }>;
    end(): Promise<void>;
  }
  const pg: { Client: typeof Client };
  export default pg;
}
