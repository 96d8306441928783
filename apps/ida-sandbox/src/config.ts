import { Ajv } from 'ajv';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { SandboxOptions } from './lib/server.js';

/** Flag → environment variable; a flag wins over its variable. */
export const NAMES = {
  port: 'IDA_SANDBOX_PORT',
  host: 'IDA_SANDBOX_HOST',
  'data-dir': 'IDA_SANDBOX_DATA_DIR',
  'latency-ms': 'IDA_SANDBOX_LATENCY_MS',
  'failure-rate': 'IDA_SANDBOX_FAILURE_RATE',
  'failure-mode': 'IDA_SANDBOX_FAILURE_MODE',
  'max-rps': 'IDA_SANDBOX_MAX_RPS',
  'max-concurrent': 'IDA_SANDBOX_MAX_CONCURRENT',
  identities: 'IDA_SANDBOX_IDENTITIES',
  seed: 'IDA_SANDBOX_SEED',
} as const;

const SCHEMA = {
  type: 'object',
  properties: {
    port: { type: 'integer', minimum: 0, maximum: 65535 },
    host: { type: 'string', minLength: 1 },
    dataDir: { type: 'string', minLength: 1 },
    latencyMs: { type: 'number', minimum: 0 },
    failureRate: { type: 'number', minimum: 0, maximum: 1 },
    failureMode: { enum: ['5xx', 'hang', 'mixed'] },
    maxRps: { type: 'number', minimum: 0 },
    maxConcurrent: { type: 'integer', minimum: 0 },
    identityCount: { type: 'integer', minimum: 1, maximum: 1000000 },
    seed: { type: 'integer' },
  },
  required: ['port', 'host', 'dataDir'],
} as const;

const num = (v: string | undefined) => (v === undefined || v === '' ? undefined : Number(v));

/**
 * Reads the sandbox's settings from flags and `IDA_SANDBOX_*` variables, checks them all at once and returns a
 * frozen options object, or the list of problems.
 */
export function readConfig(argv: string[], env: NodeJS.ProcessEnv): { options: Readonly<SandboxOptions> } | { problems: string[] } {
  let values: Record<string, string | undefined>;
  try {
    const options = Object.fromEntries(Object.keys(NAMES).map((k) => [k, { type: 'string' as const }]));
    values = parseArgs({ args: argv, options, strict: true }).values as Record<string, string | undefined>;
  } catch (e) {
    return { problems: [(e as Error).message] };
  }
  const get = (flag: keyof typeof NAMES) => values[flag] ?? env[NAMES[flag]];
  const candidate = Object.fromEntries(
    Object.entries({
      port: num(get('port')) ?? 8090,
      host: get('host') ?? '127.0.0.1',
      dataDir: resolve(get('data-dir') ?? 'data/ida-sandbox'),
      latencyMs: num(get('latency-ms')),
      failureRate: num(get('failure-rate')),
      failureMode: get('failure-mode'),
      maxRps: num(get('max-rps')),
      maxConcurrent: num(get('max-concurrent')),
      identityCount: num(get('identities')),
      seed: num(get('seed')),
    }).filter(([, v]) => v !== undefined),
  );
  const validate = new Ajv({ allErrors: true }).compile(SCHEMA);
  if (!validate(candidate)) {
    const flagOf = (prop: string) => Object.keys(NAMES).find((f) => f.replace(/-(\w)/g, (_, c: string) => c.toUpperCase()) === prop);
    return {
      problems: (validate.errors ?? []).map((e) => {
        const prop = e.instancePath.slice(1);
        const flag = prop === 'identityCount' ? 'identities' : flagOf(prop) ?? prop;
        return `--${flag} (${NAMES[flag as keyof typeof NAMES] ?? ''}) ${e.message}`;
      }),
    };
  }
  return { options: Object.freeze(candidate as unknown as SandboxOptions) };
}
