/** A user of the project's user resource, who can sign in with POST /user/login. */
export interface FormioStandinUser {
  email: string;
  password: string;
  /** Form `_id`s or paths this user may list; default every form. Any other form answers 401, as Form.io does. */
  forms?: string[];
}

/** A form of the project, found by `/form/{_id}/submission` or by its path (`/{path}/submission`). */
export interface FormioStandinForm {
  /** 24 hex digits, like a MongoDB ObjectId. */
  _id: string;
  /** The form's path (alias), e.g. `registration` or `intake/registration`. */
  path: string;
  title?: string;
}

/** A submission to serve. Only `form` and `data` are required; the rest is filled in. */
export interface FormioStandinSubmission {
  /** The form's `_id` or path. */
  form: string;
  /** What the form captured: containers are objects, data grids/edit grids are arrays of objects. */
  data: unknown;
  /** 24 hex digits; default the next id in insertion order. */
  _id?: string;
  /** Enterprise Form.io's save-as-draft: drafts are listed like any submission. Open source has no `state`. */
  state?: 'submitted' | 'draft';
  /** ISO 8601; default the time it was added. */
  created?: string;
  modified?: string;
  owner?: string | null;
  metadata?: Record<string, unknown>;
}

/** Options of `startFormioStandin`. */
export interface FormioStandinOptions {
  /** Default 0 (any free port). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  users?: FormioStandinUser[];
  /** Keys accepted in the `x-token` header (Form.io's `API_KEYS`): full read access. */
  apiKeys?: string[];
  forms: FormioStandinForm[];
  submissions?: FormioStandinSubmission[];
  /** JWT lifetime; default 240 minutes (Form.io's `jwt.expireTime`). */
  tokenTtlMs?: number;
  /** Delay before each submission listing is answered (a slow server, e.g. to stop a pull midway). Default 0. */
  latencyMs?: number;
  /** Clock, for token expiry and default `created`. */
  now?: () => Date;
}

/** One request the stand-in received, for tests to assert on. Passwords, tokens and keys are never recorded. */
export interface FormioRecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
  /** How the caller was identified: a valid JWT, an API key, or nobody. */
  auth: 'jwt' | 'apiKey' | 'none';
}

/** A canned answer for the next matching request(s). */
export interface FormioStandinFault {
  method?: string;
  /** Exact path, or a pattern over the path (no query). Default: any path. */
  path?: string | RegExp;
  /** Default 503. */
  status?: number;
  /** Text body; default the status text. */
  body?: string;
  /** Wait this long before answering (client timeouts). */
  delayMs?: number;
  /** Close the connection without answering. */
  destroy?: boolean;
  /** How many matching requests it applies to; default 1. */
  times?: number;
}

/** A running stand-in. */
export interface RunningFormioStandin {
  /** The project URL, e.g. `http://127.0.0.1:PORT` (what `formioconfig.baseurl` takes). */
  url: string;
  port: number;
  /** Requests received so far, oldest first. */
  requests(): FormioRecordedRequest[];
  clearRequests(): void;
  /** Adds submissions while running. */
  addSubmissions(submissions: FormioStandinSubmission[]): void;
  /** Queues a canned failure. */
  injectFault(fault: FormioStandinFault): void;
  /** The next `times` requests (default 1) matching `path` answer 503 (or `status`). */
  failNext(times?: number, options?: { status?: number; path?: string | RegExp }): void;
  /** Drops every queued fault. */
  clearFaults(): void;
  /** Every token issued so far is expired from now on: its next use answers 440 "Token Expired". */
  expireTokens(): void;
  /** After the next `n` submission listings, every token issued so far expires (the one after answers 440). */
  expireTokensAfter(n: number): void;
  /** Changes the delay before each submission listing is answered. */
  setLatency(ms: number): void;
  /** Stops listening and drops every connection. */
  close(): Promise<void>;
}
