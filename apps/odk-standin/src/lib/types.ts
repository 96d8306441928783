/** A web user who can log in with POST /v1/sessions. */
export interface StandinUser {
  email: string;
  password: string;
  /** Project ids this user may read (Project Viewer or more). Default: every project. */
  projects?: number[];
}

/** A form that exists on the stand-in. */
export interface StandinForm {
  /** Default 1. */
  projectId?: number;
  xmlFormId: string;
}

/** One submission to serve. Only `xmlFormId` and `fields` are required; the rest is filled in. */
export interface StandinSubmission {
  /** Default 1. */
  projectId?: number;
  xmlFormId: string;
  /** `uuid:…`; default a random uuid. Served as `__id` and `meta.instanceID`. */
  instanceId?: string;
  /** ISO 8601; default the time it was added. */
  submissionDate?: string;
  updatedAt?: string | null;
  submitterId?: string;
  submitterName?: string;
  reviewState?: null | 'hasIssues' | 'edited' | 'rejected' | 'approved';
  deviceId?: string | null;
  formVersion?: string;
  /** The form's fields as Central serves them: groups are nested objects. Arrays (repeats) are served as
   * `"<name>@odata.navigationLink"`, as Central does without `$expand`. */
  fields: Record<string, unknown>;
}

/** Options of `startOdkStandin`. */
export interface OdkStandinOptions {
  /** Default 0 (any free port). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  users: StandinUser[];
  forms: StandinForm[];
  submissions?: StandinSubmission[];
  /** Origin used in `@odata.nextLink` and `@odata.context`, as Central uses its configured domain.
   * Default the URL the stand-in listens on. */
  publicUrl?: string;
  /** Session lifetime; default 24 h, as Central's. */
  sessionTtlMs?: number;
  /** Clock, for session expiry and default submission dates. */
  now?: () => Date;
}

/** One request the stand-in received, for tests to assert on. Passwords and tokens are never recorded. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
  /** Whether the request carried a valid, unexpired bearer token. */
  authorized: boolean;
  /** The logged-in user's email (synthetic test data), when known. */
  user?: string;
}

/** A canned failure for the next matching request(s): a status and body, a delay, or a dropped socket. */
export interface StandinFault {
  method?: string;
  /** Exact path, or a pattern over the path (no query). Default: any path. */
  path?: string | RegExp;
  status?: number;
  /** JSON body; default Central's problem shape for the status. */
  body?: unknown;
  /** A raw body instead of JSON (e.g. an HTML error page from a proxy). */
  rawBody?: string;
  contentType?: string;
  /** Wait this long before answering (to exercise client timeouts). */
  delayMs?: number;
  /** Close the connection without answering. */
  destroy?: boolean;
  /** How many matching requests it applies to; default 1. */
  times?: number;
}

/** A running stand-in. */
export interface RunningOdkStandin {
  /** Base URL, e.g. `http://127.0.0.1:PORT` (what MTS's `odkconfig.baseurl` takes). */
  url: string;
  port: number;
  /** Requests received so far, oldest first. */
  requests(): RecordedRequest[];
  clearRequests(): void;
  /** Sessions that are live (created, not logged out, not expired). */
  activeSessions(): number;
  /** Adds submissions while running (e.g. between two incremental pulls). */
  addSubmissions(submissions: StandinSubmission[]): void;
  /** Queues a canned failure. */
  injectFault(fault: StandinFault): void;
  /** Stops listening and drops every connection, including delayed answers. */
  close(): Promise<void>;
}
