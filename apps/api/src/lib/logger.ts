import winston from 'winston';

// Keys whose values are secrets or identity data: never written, whatever the nesting.
const REDACT =
  /^(authorization|cookie|set-cookie|x-api-key|password|passwd|secret|token|access_token|authtoken|apikey|api_key|key|.*secret.*|.*password.*|.*token.*|vid|uin|individualid|name|given_name|family_name|gender|dob|birthdate|phone|phonenumber|email|emailid|address|fulladdress|authdata|odkconfig|callbackproperties)$/i;

function redact(value: unknown, depth = 0): unknown {
  if (depth > 6 || value === null || typeof value !== 'object') return value;
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

/** The API's logger: winston, JSON lines, redacting headers, keys and identity fields. */
export type Logger = winston.Logger;

/**
 * Creates the JSON-lines logger; pass `silent` in tests.
 * @example const log = createLogger({ level: 'info' }); log.info('accepted', { requestId });
 */
export function createLogger(options: { level?: string; silent?: boolean; service?: string } = {}): Logger {
  return winston.createLogger({
    level: options.level ?? 'info',
    silent: options.silent ?? false,
    defaultMeta: { service: options.service ?? 'api' },
    format: winston.format.combine(redactFormat(), winston.format.timestamp(), winston.format.json()),
    transports: [new winston.transports.Console()],
  });
}
