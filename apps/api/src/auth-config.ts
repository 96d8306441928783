import { readFileSync } from 'node:fs';
import { checkApiKeyEntries } from './lib/auth/api-keys.js';
import type { CallerAuthSettings } from './lib/auth/caller-auth.js';

const OIDC_VARS = ['MTS_OIDC_ISSUER', 'MTS_OIDC_JWKS_URL', 'MTS_OIDC_AUDIENCE', 'MTS_OIDC_SCOPE'] as const;
/** Every variable {@link readAuthSettings} reads. */
export const CALLER_AUTH_VARS = ['MTS_API_KEYS_FILE', ...OIDC_VARS] as const;

/**
 * Caller authentication settings from the environment (part of {@link loadConfig}): the keys file named by
 * `MTS_API_KEYS_FILE` is read and checked now; `MTS_OIDC_ISSUER` needs `MTS_OIDC_JWKS_URL`, `MTS_OIDC_AUDIENCE` and
 * `MTS_OIDC_SCOPE`. Problems name the variable and never quote a key, a hash or a value.
 */
export function readAuthSettings(env: NodeJS.ProcessEnv): { settings: CallerAuthSettings; problems: string[] } {
  const problems: string[] = [];
  const value = (name: string) => (env[name] === undefined || env[name] === '' ? undefined : env[name]);

  let apiKeys: CallerAuthSettings['apiKeys'] = null;
  const keysFile = value('MTS_API_KEYS_FILE');
  if (keysFile !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(keysFile, 'utf8'));
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      problems.push(`MTS_API_KEYS_FILE: ${typeof code === 'string' ? `cannot be read (${code})` : 'is not valid JSON'}`);
    }
    if (parsed !== undefined) {
      const checked = checkApiKeyEntries(parsed);
      problems.push(...checked.problems.map((p) => `MTS_API_KEYS_FILE: ${p}`));
      apiKeys = Object.freeze(checked.entries.map((e) => Object.freeze(e)));
    }
  }

  let oidc: CallerAuthSettings['oidc'] = null;
  const [issuer, jwksUrl, audience, scope] = OIDC_VARS.map(value);
  if (issuer === undefined) {
    for (const name of OIDC_VARS.slice(1)) if (value(name) !== undefined) problems.push(`${name}: set without MTS_OIDC_ISSUER`);
  } else {
    OIDC_VARS.forEach((name, i) => {
      if (i > 0 && [issuer, jwksUrl, audience, scope][i] === undefined) problems.push(`${name}: required when MTS_OIDC_ISSUER is set`);
    });
    if (jwksUrl !== undefined && !isJwksUrl(jwksUrl)) problems.push('MTS_OIDC_JWKS_URL: must be an https URL (http only for localhost)');
    // Blank would require no scope at all, where the setting is there to require one.
    if (scope !== undefined && scope.trim() === '') problems.push('MTS_OIDC_SCOPE: must name at least one scope');
    if (jwksUrl !== undefined && audience !== undefined && scope !== undefined) oidc = Object.freeze({ issuer, jwksUrl, audience, scope });
  }
  return { settings: Object.freeze({ apiKeys, oidc }), problems };
}

function isJwksUrl(text: string): boolean {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return false;
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  return url.protocol === 'https:' || (url.protocol === 'http:' && loopback);
}
