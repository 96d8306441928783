import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { base64UrlEncode, certificateThumbprint, createJwsSigner } from '@mts/crypto';
import { createVidUsageWriter, FILES, loadOrCreateDataDir } from './data-dir.js';
import { buildEnvelope, rejectionItems } from './envelope.js';
import { SandboxError } from './errors.js';
import type { IdaSettings } from './settings.js';
import type { SandboxIdentity } from './identity.js';
import { createAuthProcessor } from './process-auth.js';
import { emptyStats, recordOutcome, type SandboxStats } from './stats.js';
import { createFaultPlan, createRateCap, createSlots, DEFAULT_SWITCHES, type SandboxSwitches } from './switches.js';

const CONTEXT_PATH = '/idauthentication/v1';
const AUTH_PREFIX = `${CONTEXT_PATH}/auth`;
const MAX_BODY = 1 << 20;

/** Options of {@link startSandbox}. */
export interface SandboxOptions {
  /** Folder for keys, partner registry, salts, settings and identities; created and filled on first start. */
  dataDir: string;
  /** Default 0 (any free port). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  latencyMs?: number;
  failureRate?: number;
  failureMode?: SandboxSwitches['failureMode'];
  maxRps?: number;
  /** Auth requests worked on at once; the rest queue (see SandboxSwitches). Default 0, no limit. */
  maxConcurrent?: number;
  /** Size of the demo identity store written on first start (default 100). */
  identityCount?: number;
  /** Seed of the demo identity store written on first start (default 1). */
  seed?: number;
  /** Overrides `settings.json` for this run (x5c mode, TokenID hashing, titles, …). */
  settings?: Partial<IdaSettings>;
  /** Clock for the request-time window and response times (tests). */
  now?: () => Date;
  /** Randomness for failure injection (tests). */
  random?: () => number;
}

/** What a client needs to be configured against the sandbox. Holds secrets: do not log it. */
export interface SandboxPartner {
  partnerId: string;
  apiKey: string;
  mispLicenseKey: string;
  p12Path: string;
  p12Password: string;
  idaPartnerCertPath: string;
  idaSignCertPath: string;
}

/** A started sandbox. */
export interface RunningSandbox {
  /** idaAuthUrl, e.g. http://127.0.0.1:PORT/idauthentication/v1/auth */
  url: string;
  partner: SandboxPartner;
  identitiesPath: string;
  dataDir: string;
  identities: SandboxIdentity[];
  stats(): SandboxStats;
  resetStats(): void;
  /** Changes latency, failure rate/mode, rate cap or capacity (maxConcurrent) while running. */
  setSwitches(switches: Partial<SandboxSwitches>): void;
  /** Makes the next `count` auth requests fail as `kind` (deterministic fault injection for tests). */
  failNext(count: number, kind?: '5xx' | 'hang'): void;
  close(): Promise<void>;
}

/**
 * Starts a faithful IDA demographic-auth server on `dataDir` (generating its keys, partner and identities on
 * first start).
 * @example
 * const sandbox = await startSandbox({ dataDir: '/tmp/ida', port: 0 });
 * // configure a client with sandbox.url and sandbox.partner, then:
 * await sandbox.close();
 */
export async function startSandbox(options: SandboxOptions): Promise<RunningSandbox> {
  if (!options || typeof options.dataDir !== 'string' || options.dataDir === '') {
    throw new SandboxError('SBX_CONFIG', 'dataDir is required');
  }
  const material = await loadOrCreateDataDir(options.dataDir, {
    identityCount: options.identityCount,
    seed: options.seed,
    settings: options.settings,
  });
  const vidUsage = createVidUsageWriter(options.dataDir, material.vidUsage);
  const processAuth = createAuthProcessor(material, vidUsage.record);
  const signCert = material.idaSign.certificate;
  const signer = createJwsSigner({
    privateKey: material.idaSign.privateKey,
    certificate: signCert,
    header: { 'x5t#S256': base64UrlEncode(certificateThumbprint(signCert)), kid: signCert.serialNumber },
  });
  const now = options.now ?? (() => new Date());
  const switches: SandboxSwitches = {
    latencyMs: options.latencyMs ?? DEFAULT_SWITCHES.latencyMs,
    failureRate: options.failureRate ?? DEFAULT_SWITCHES.failureRate,
    failureMode: options.failureMode ?? DEFAULT_SWITCHES.failureMode,
    maxRps: options.maxRps ?? DEFAULT_SWITCHES.maxRps,
    maxConcurrent: options.maxConcurrent ?? DEFAULT_SWITCHES.maxConcurrent,
  };
  checkSwitches(switches);
  const faults = createFaultPlan(options.random ?? Math.random);
  const underCap = createRateCap(() => Date.now());
  const slots = createSlots(() => switches.maxConcurrent);
  let stats = emptyStats();
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => (timers.delete(t), resolve()), ms);
      timers.add(t);
    });

  async function handleAuth(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    stats.requests++;
    const body = await readBody(req);
    if (body === null) return void res.writeHead(413).end();
    if (!underCap(switches.maxRps)) {
      stats.rateLimited++;
      return void res.writeHead(429, { 'Retry-After': '1', 'Content-Type': 'application/json' }).end('{"error":"rate limit"}');
    }
    const fault = faults.next(switches);
    if (fault !== null) {
      stats.injectedFailures++;
      if (fault === 'hang') return; // no answer: the client's timeout fires; close() destroys the socket
      return void res.writeHead(503, { 'Content-Type': 'application/json' }).end('{"error":"injected failure"}');
    }
    // IDA's finite capacity: a request waits for a free slot, then holds it for the whole of its processing.
    const granted = slots.acquire();
    stats.peakQueued = Math.max(stats.peakQueued, slots.waiting);
    await granted;
    stats.peakConcurrent = Math.max(stats.peakConcurrent, slots.busy);
    try {
      await answerAuth(req, res, path, body);
    } finally {
      slots.release();
    }
  }

  async function answerAuth(req: IncomingMessage, res: ServerResponse, path: string, body: Buffer): Promise<void> {
    // IdAuthFilter#getAuthPart counts the segments after the context path, `auth` included, and takes the last 3.
    const authPart = path.slice(CONTEXT_PATH.length).split('/').filter((s) => s !== '').map(decodeURIComponent);
    const outcome = await processAuth({ authPart, headers: req.headers, body, now: now() });
    recordOutcome(stats, outcome);
    const envelope = buildEnvelope({
      transactionID: outcome.transactionID,
      now: now(),
      authStatus: outcome.authStatus,
      authToken: outcome.authToken,
      errors: outcome.rejection ? rejectionItems(outcome.rejection) : outcome.errors,
    });
    const signature = await signer.sign(envelope);
    if (switches.latencyMs > 0) await later(switches.latencyMs);
    // IDA answers 200 whatever the outcome.
    res.writeHead(200, { 'Content-Type': 'application/json', 'response-signature': signature }).end(envelope);
  }

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const done = (p: Promise<void>) =>
      p.catch(() => {
        if (!res.headersSent) res.writeHead(500).end();
        else res.destroy();
      });
    if (req.method === 'POST' && (path === AUTH_PREFIX || path.startsWith(AUTH_PREFIX + '/'))) return void done(handleAuth(req, res, path));
    if (req.method === 'GET' && path === '/sandbox/stats') return void json(res, stats);
    if (req.method === 'GET' && path === '/mosip-certs/ida-partner.cer') return void pem(res, material.idaPartner.certificate.toString());
    if (req.method === 'GET' && path === '/mosip-certs/ida-sign.cer') return void pem(res, signCert.toString());
    req.resume();
    res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"error":"not found"}');
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (cause) => reject(new SandboxError('SBX_CONFIG', 'the sandbox cannot listen on the given port', { cause })));
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port, address } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  const main = material.registry.partners.find((p) => p.partnerId === material.partnerId) ?? material.registry.partners[0]!;
  const dir = options.dataDir;

  return {
    url: `http://${host}:${port}${AUTH_PREFIX}`,
    partner: {
      partnerId: main.partnerId,
      apiKey: main.apiKeys.find((k) => k.status === 'ACTIVE')?.apiKey ?? '',
      mispLicenseKey: material.registry.mispLicenseKeys.find((k) => k.status === 'ACTIVE')?.licenseKey ?? '',
      p12Path: join(dir, FILES.partnerP12),
      p12Password: material.p12Password,
      idaPartnerCertPath: join(dir, FILES.idaPartnerCert),
      idaSignCertPath: join(dir, FILES.idaSignCert),
    },
    identitiesPath: join(dir, FILES.identities),
    dataDir: dir,
    identities: material.identities,
    stats: () => structuredClone(stats),
    resetStats: () => void (stats = emptyStats()),
    setSwitches(next) {
      const merged = { ...switches, ...next };
      checkSwitches(merged);
      Object.assign(switches, merged);
      slots.recheck();
    },
    failNext: (count, kind = '5xx') => faults.queue(count, kind),
    close: async () => {
      await new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
      await vidUsage.flush();
    },
  };
}

function checkSwitches(s: SandboxSwitches): void {
  const bad: string[] = [];
  if (!(Number.isFinite(s.latencyMs) && s.latencyMs >= 0)) bad.push('latencyMs must be a number ≥ 0');
  if (!(s.failureRate >= 0 && s.failureRate <= 1)) bad.push('failureRate must be between 0 and 1');
  if (!['5xx', 'hang', 'mixed'].includes(s.failureMode)) bad.push('failureMode must be 5xx, hang or mixed');
  if (!(Number.isFinite(s.maxRps) && s.maxRps >= 0)) bad.push('maxRps must be a number ≥ 0');
  if (!(Number.isInteger(s.maxConcurrent) && s.maxConcurrent >= 0)) bad.push('maxConcurrent must be a whole number ≥ 0');
  if (bad.length > 0) throw new SandboxError('SBX_CONFIG', bad.join('; '));
}

function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => resolve(size > MAX_BODY ? null : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function json(res: ServerResponse, value: unknown): void {
  res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(value));
}

function pem(res: ServerResponse, text: string): void {
  res.writeHead(200, { 'Content-Type': 'application/x-pem-file' }).end(text);
}
