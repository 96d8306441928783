import winston from 'winston';

// Keys whose values are secrets or identity data: replaced wherever they appear, so a careless field never leaks.
const REDACT =
  /^(authorization|cookie|set-cookie|x-api-key|password|passwd|secret|token|access_token|authtoken|apikey|api_key|key|vid|uin|individualid|name|given_name|family_name|gender|dob|birthdate|phone|phonenumber|email|emailid|address|fulladdress|authdata|input|received|demographics|odkconfig|callbackproperties|.*secret.*|.*password.*|.*token.*)$/i;
const MAX_DEPTH = 6;
const REDACTED = '[redacted]';

/**
 * Copies a value with every secret or identity field replaced by `[redacted]`, at any depth up to 6.
 * @example redact({ headers: { authorization: 'Bearer x' } }) // { headers: { authorization: '[redacted]' } }
 */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > MAX_DEPTH || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = REDACT.test(k) ? REDACTED : redact(v, depth + 1);
  return out;
}

const redactFormat = winston.format((info) => {
  for (const key of Object.keys(info)) {
    if (key === 'level' || key === 'message') continue;
    (info as Record<string, unknown>)[key] = REDACT.test(key) ? REDACTED : redact(info[key]);
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
