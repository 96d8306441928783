/**
 * A service's settings are unusable: thrown by an app's `loadConfig` with every problem found, one per line
 * (variable names and what is wrong, never values). The API and the worker throw the same code for the same
 * mistake, so a deployer's alert or search finds both.
 */
export class ConfigError extends Error {
  readonly code = 'ATS-CFG-001';
  readonly retryable = false;
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}
