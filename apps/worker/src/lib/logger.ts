import winston from 'winston';

// Keys whose values are secrets or identity data: replaced wherever they appear, so a careless field never leaks.
const REDACT =
  /^(authorization|cookie|password|secret|token|authtoken|apikey|key|vid|uin|individualid|name|gender|dob|phone|phonenumber|email|emailid|address|fulladdress|input|received|demographics|odkconfig|callbackproperties|.*secret.*|.*password.*|.*token.*)$/i;

function redact(value: unknown, depth = 0): unknown {
  if (depth > 5 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = REDACT.test(k) ? '[redacted]' : redact(v, depth + 1);
  return out;
}

const redactFormat = winston.format((info) => {
  for (const key of Object.keys(info)) {
    if (key === 'level' || key === 'message') continue;
    (info as Record<string, unknown>)[key] = REDACT.test(key) ? '[redacted]' : redact(info[key]);
  }
  return info;
});

export type Logger = winston.Logger;

/**
 * The worker's logger: JSON lines; jobs log through `logger.child({ requestId, jobId })`.
 * @example const log = createLogger({ level: 'info' }).child({ requestId, jobId });
 */
export function createLogger(options: { level?: string; silent?: boolean; stream?: NodeJS.WritableStream } = {}): Logger {
  return winston.createLogger({
    level: options.level ?? 'info',
    silent: options.silent ?? false,
    defaultMeta: { service: 'worker' },
    format: winston.format.combine(redactFormat(), winston.format.timestamp(), winston.format.json()),
    transports: [options.stream ? new winston.transports.Stream({ stream: options.stream }) : new winston.transports.Console()],
  });
}
