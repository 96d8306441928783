import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

/** A tool some suites need that a fresh machine may lack; `.ci/run` installs and starts each of them. */
export type Requirement = 'postgres' | 'jq' | 'sshd' | 'chromium';

/** Whether a requirement is met here, and what to install when it is not. */
export interface RequirementCheck {
  requirement: Requirement;
  ok: boolean;
  /** What it is, for people: `PostgreSQL`. */
  label: string;
  /** What to do about it: `start PostgreSQL at 127.0.0.1:5432 (apt-get install postgresql; or set MTS_TEST_PG_URL)`. */
  hint: string;
}

type Env = Record<string, string | undefined>;
type SuiteFn = (title: string, fn: () => void) => void;

/** The PostgreSQL the suites use: `MTS_TEST_PG_URL`, else the CI machine's trust-auth server, database `test`. */
export function testPostgresUrl(env: Env = process.env): string {
  return env['MTS_TEST_PG_URL'] || 'postgresql://postgres@127.0.0.1:5432/test';
}

/** An executable by absolute path, or the first one of `names` on PATH (and in sbin, where Debian puts sshd). */
export function findExecutable(names: readonly string[], env: Env = process.env): string | undefined {
  const dirs = [...(env['PATH'] ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin'].filter(Boolean);
  for (const name of names) {
    for (const file of isAbsolute(name) ? [name] : dirs.map((d) => join(d, name))) {
      try {
        accessSync(file, constants.X_OK);
        return file;
      } catch {
        // not here; try the next place
      }
    }
  }
  return undefined;
}

// Suites are collected synchronously, so the port is probed by a short synchronous child process.
function tcpReachable(host: string, port: number): boolean {
  const probe = `require('net').connect(${port},${JSON.stringify(host)}).on('connect',()=>process.exit(0)).on('error',()=>process.exit(1)).setTimeout(1500,()=>process.exit(1))`;
  try {
    execFileSync(process.execPath, ['-e', probe], { timeout: 3000, stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const binary = (env: Env, variable: string, names: string[]) => findExecutable(env[variable] ? [env[variable]!] : names, env);

/**
 * Checks one requirement without throwing. Env overrides: `MTS_TEST_PG_URL`, `JQ_BIN`, `SSHD_BIN`, `CHROMIUM_BIN`.
 * @example checkRequirement('jq') // { requirement: 'jq', ok: true, label: 'jq', hint: 'install jq (…)' }
 */
export function checkRequirement(requirement: Requirement, env: Env = process.env): RequirementCheck {
  switch (requirement) {
    case 'postgres': {
      const url = new URL(testPostgresUrl(env));
      const host = url.hostname || '127.0.0.1';
      const port = Number(url.port || 5432);
      const hint = `start PostgreSQL at ${host}:${port} (apt-get install postgresql; or set MTS_TEST_PG_URL)`;
      return { requirement, ok: tcpReachable(host, port), label: 'PostgreSQL', hint };
    }
    case 'jq':
      return { requirement, ok: !!binary(env, 'JQ_BIN', ['jq']), label: 'jq', hint: 'install jq (apt-get install jq; or set JQ_BIN)' };
    case 'sshd': {
      const hint = 'install the OpenSSH server (apt-get install openssh-server; or set SSHD_BIN)';
      return { requirement, ok: !!binary(env, 'SSHD_BIN', ['sshd']), label: 'sshd', hint };
    }
    case 'chromium': {
      const hint = 'install Chromium (apt-get install chromium; or set CHROMIUM_BIN)';
      return { requirement, ok: !!binary(env, 'CHROMIUM_BIN', ['chromium', 'chromium-browser']), label: 'Chromium', hint };
    }
  }
}

/**
 * The suite marker tools/jest/summary-reporter.cjs reads: it prints one line per requirement for the skipped
 * suites, and fails the run under CI.
 */
export const skippedTitle = (title: string, check: RequirementCheck): string => `${title} [needs ${check.label}: ${check.hint}]`;

/**
 * Jest's `describe` when the requirement is met here, else `describe.skip` with the suite marked so the run's
 * summary says what to install (and CI, which installs everything, fails).
 * @example requires('postgres')('the PostgreSQL job backend', () => { it('completes a request', …) });
 */
export function requires(requirement: Requirement): SuiteFn {
  const check = checkRequirement(requirement);
  const jest = globalThis as unknown as { describe: SuiteFn & { skip: SuiteFn } };
  if (check.ok) return (title, fn) => jest.describe(title, fn);
  return (title, fn) => jest.describe.skip(skippedTitle(title, check), fn);
}
