/** A cell as the stand-in stores it; `FORMATTED_VALUE` renders numbers with `String()` and booleans as TRUE/FALSE. */
export type StandinCell = string | number | boolean | null;

/** One tab of a spreadsheet. */
export interface StandinSheet {
  title: string;
  /** Row 1 first. Trailing empty cells and rows are dropped in answers, as the API does. */
  rows: StandinCell[][];
  /** Grid size; default max(1000, rows) × max(26, widest row), as a new Google sheet. */
  rowCount?: number;
  columnCount?: number;
}

/** A spreadsheet and who may read it. */
export interface StandinSpreadsheet {
  spreadsheetId: string;
  title?: string;
  /** Tabs, the first is the default range's sheet. */
  sheets: StandinSheet[];
  /** Shared as "anyone with the link": readable with an API key. Default false. */
  public?: boolean;
  /** Service account emails the sheet is shared with. */
  sharedWith?: string[];
}

/** A service account the token endpoint knows: its email and the public half of its key (PEM). */
export interface StandinServiceAccount {
  clientEmail: string;
  publicKey: string;
}

/** Options of `startSheetsStandin`. */
export interface SheetsStandinOptions {
  /** Default 0 (any free port). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  spreadsheets: StandinSpreadsheet[];
  /** API keys that are valid (any project). */
  apiKeys?: string[];
  serviceAccounts?: StandinServiceAccount[];
  /** Seconds an access token lives; default 3599, as Google's. */
  tokenTtlSeconds?: number;
  /** The token URL the JWT's `aud` must name; default `<url>/token`. */
  tokenUrl?: string;
  /** Wait this long before each values/metadata answer (tests that stop a reader mid-pull). Default 0. */
  latencyMs?: number;
  /** Clock, for token expiry, JWT `iat`/`exp` checks and the read quota's minutes. */
  now?: () => Date;
  /**
   * Read requests (values.get and spreadsheets.get) answered per minute, as Google's quota (60 per minute per user
   * per project, 300 per project); past it, 429 RESOURCE_EXHAUSTED until the next minute of `now`. Default: no quota.
   */
  readQuotaPerMinute?: number;
}

/** One request the stand-in received. Keys, tokens and assertions are never recorded. */
export interface SheetsRecordedRequest {
  method: string;
  /** Decoded path, e.g. `/v4/spreadsheets/abc/values/'People'!A2:F11`. */
  path: string;
  /** `values` (values.get), `metadata` (spreadsheets.get), `token`, or `other`. */
  endpoint: 'values' | 'metadata' | 'token' | 'other';
  /** The A1 range asked for (values.get). */
  range?: string;
  /** How the caller authenticated. */
  auth: 'apiKey' | 'bearer' | 'none';
  status: number;
}

/** A canned failure for the next matching request(s). */
export interface SheetsFault {
  endpoint?: SheetsRecordedRequest['endpoint'];
  /** Default 503 with Google's UNAVAILABLE body. */
  status?: number;
  /** Close the connection without answering instead. */
  destroy?: boolean;
  /** How many matching requests it applies to; default 1. */
  times?: number;
}

/** A running stand-in. */
export interface RunningSheetsStandin {
  /** Base URL, e.g. `http://127.0.0.1:PORT`: what `sheetsconfig.baseurl` takes. */
  url: string;
  /** `<url>/token`: what `sheetsconfig.auth.tokenUri` takes. */
  tokenUrl: string;
  port: number;
  requests(): SheetsRecordedRequest[];
  clearRequests(): void;
  /** Tokens issued so far. */
  tokensIssued(): number;
  /** Makes every issued access token expired (the next call with one gets 401). */
  expireTokens(): void;
  /** Queues a canned failure (e.g. `{ status: 503, times: 2 }`). */
  injectFault(fault: SheetsFault): void;
  /** Replaces or adds a spreadsheet while running. */
  putSpreadsheet(sheet: StandinSpreadsheet): void;
  close(): Promise<void>;
}
