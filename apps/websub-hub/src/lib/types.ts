/** Settings of the WebSub hub stand-in. */
export interface WebsubHubOptions {
  /** Default 0 (an OS-chosen port). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Topics registered from the start. */
  topics?: string[];
  /**
   * MOSIP-style auth: when given, register, deregister, publish, subscribe and unsubscribe need the cookie
   * `Authorization=<token>` with one of these tokens (401 without one, 403 with another). Default: no checks
   * (MOSIP's `SECURITY_ON=false`).
   */
  acceptTokens?: string[];
  /** Status of an accepted publish (its body is always `hub.mode=accepted`): 200 as MOSIP's hub, or 202. Default 200. */
  publishStatus?: 200 | 202;
  /** Tries per content distribution to one subscriber (MOSIP's hub: 3). */
  deliveryAttempts?: number;
  /** Wait between distribution tries, ms (MOSIP's hub: 3000). Default 3000. */
  retryDelayMs?: number;
  /** Per distribution or verification call, ms (MOSIP's hub: 10 000). */
  callTimeoutMs?: number;
  /** Lease when the subscriber asks for none (Ballerina: 86 400 s). */
  defaultLeaseSeconds?: number;
  /** Longest lease granted; longer requests are cut to it. Default 864 000 s. */
  maxLeaseSeconds?: number;
  /** Largest publish body, bytes (413 beyond). Default 16 MiB. */
  maxContentBytes?: number;
  /** The transport for verification and distribution (default the global fetch). */
  fetch?: typeof fetch;
  /** Clock, ms since the epoch (lease expiry). */
  now?: () => number;
}

/** A publish the hub received. */
export interface RecordedPublish {
  topic: string;
  contentType: string;
  body: string;
  /** Whether the call carried an accepted auth cookie (always true without `acceptTokens`). */
  authorized: boolean;
  /** How the hub answered: `accepted`, `denied` (with `reason`), or `dropped` (held, and the caller went away). */
  outcome: 'accepted' | 'denied' | 'dropped' | 'held';
  reason?: string;
}

/** An active, verified subscription. */
export interface HubSubscription {
  topic: string;
  callback: string;
  /** ms since the epoch. */
  expiresAt: number;
  hasSecret: boolean;
}

/** One try at handing content to a subscriber. */
export interface DistributionAttempt {
  topic: string;
  callback: string;
  attempt: number;
  /** The subscriber's status, or 0 when it could not be reached. */
  status: number;
}

/** The running stand-in. */
export interface RunningWebsubHub {
  /** The hub URL (`http://127.0.0.1:PORT/hub`) publishers and subscribers use. */
  url: string;
  port: number;
  topics(): string[];
  publishes(): RecordedPublish[];
  subscriptions(): HubSubscription[];
  distributions(): DistributionAttempt[];
  /** After `accepted` more accepted publishes, the next ones are held unanswered until {@link release}. */
  holdPublishesAfter(accepted: number): void;
  /** Publishes held now (a caller that went away is no longer counted). */
  readonly held: number;
  /** Answers the held publishes and stops holding. */
  release(): void;
  /** Resolves once no verification or distribution is in flight. */
  idle(): Promise<void>;
  close(): Promise<void>;
}
