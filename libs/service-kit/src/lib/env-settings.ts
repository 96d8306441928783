import type { ErrorObject } from 'ajv';

/** Setting key → the environment names that may carry it, first non-empty wins (ours first, then MTS's). */
export type EnvNames = Readonly<Record<string, readonly string[]>>;

/**
 * Collects the raw (string) value of each setting from the environment; `lowercase` keys are lower-cased.
 * @example readEnvSettings({ port: ['PORT'] }, process.env) // { port: '8080' }
 */
export function readEnvSettings(names: EnvNames, env: NodeJS.ProcessEnv, lowercase: readonly string[] = ['logLevel']): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  for (const [key, candidates] of Object.entries(names)) {
    const value = candidates.map((n) => env[n]).find((v) => v !== undefined && v !== '');
    if (value !== undefined) raw[key] = lowercase.includes(key) ? value.toLowerCase() : value;
  }
  return raw;
}

/**
 * Turns ajv's errors over settings into one line per problem naming the environment variable, never its value.
 * @example describeSettingErrors(validate.errors, names) // ['PORT: must be integer']
 */
export function describeSettingErrors(errors: readonly ErrorObject[] | null | undefined, names: EnvNames): string[] {
  return (errors ?? [])
    .filter((e) => e.keyword !== 'if')
    .map((e) => {
      const key = e.instancePath.slice(1) || String(e.params?.missingProperty ?? '');
      return `${names[key]?.[0] ?? key}: ${e.message ?? 'invalid'}`;
    });
}
