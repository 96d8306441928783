import winston from 'winston';

// Secrets, and containers of identity data: replaced wherever they appear, so a careless field never leaks.
const SECRET =
  /^(authorization|cookie|set-cookie|x-api-key|password|passwd|secret|token|access_token|authtoken|apikey|api_key|key|authdata|input|received|demographics|odkconfig|callbackproperties|.*secret.*|.*password.*|.*token.*)$/i;
// Identity fields that name nothing else: replaced wherever they appear.
const IDENTITY = /^(vid|uin|individualid|given_name|family_name|gender|dob|birthdate|phone|phonenumber|email|emailid|address|fulladdress)$/i;
// `name` is also an error's class name (RangeError, ApiError): kept there, replaced everywhere else (below).
const NAME = /^name$/i;
const MAX_DEPTH = 6;
const REDACTED = '[redacted]';

/** An error as logged (an Error, or `{ name, message, stack }`), and not a record that happens to hold a message. */
function isErrorShaped(obj: object): boolean {
  if (obj instanceof Error) return true;
  const o = obj as Record<string, unknown>;
  if (typeof o.message !== 'string' && typeof o.stack !== 'string') return false;
  return !Object.keys(o).some((k) => IDENTITY.test(k));
}

/**
 * Copies a value with every secret or identity field replaced by `[redacted]`, at any depth up to 6. A `name`
 * is kept only as an error's name (in an object with a `message` or `stack` and no identity field).
 * @example redact({ headers: { authorization: 'Bearer x' } }) // { headers: { authorization: '[redacted]' } }
 * @example redact({ cause: { name: 'RangeError', message: 'x' } }) // unchanged
 */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > MAX_DEPTH || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const keepName = isErrorShaped(value);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const hide = SECRET.test(k) || IDENTITY.test(k) || (NAME.test(k) && !(keepName && typeof v === 'string'));
    out[k] = hide ? REDACTED : redact(v, depth + 1);
  }
  return out;
}

const redactFormat = winston.format((info) => {
  for (const key of Object.keys(info)) {
    if (key === 'level' || key === 'message') continue;
    // At the top of an entry every `name` is a careless field: the entry's own message makes it look error-shaped.
    const hide = SECRET.test(key) || IDENTITY.test(key) || NAME.test(key);
    (info as Record<string, unknown>)[key] = hide ? REDACTED : redact(info[key]);
  }
  return info;
});

export type Logger = winston.Logger;

export interface ServiceLoggerOptions {
  service: string;
  level?: string;
  silent?: boolean;
  /** Where the JSON lines go; stdout by default. */
  stream?: NodeJS.WritableStream;
}

/**
 * A winston logger writing JSON lines with `service` and a timestamp, redacting secrets and identity fields;
 * scope it per unit of work with `child({ requestId, jobId })`.
 * @example const log = createServiceLogger({ service: 'worker' }).child({ requestId }); log.info('chunk done');
 */
export function createServiceLogger(options: ServiceLoggerOptions): Logger {
  return winston.createLogger({
    level: options.level ?? 'info',
    silent: options.silent ?? false,
    defaultMeta: { service: options.service },
    format: winston.format.combine(redactFormat(), winston.format.timestamp(), winston.format.json()),
    transports: [options.stream ? new winston.transports.Stream({ stream: options.stream }) : new winston.transports.Console()],
  });
}
