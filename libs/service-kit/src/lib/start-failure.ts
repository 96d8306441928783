/** What an entry point prints when it cannot start, and the status it exits with. */
export interface StartFailure {
  /** `<app> failed to start: <CODE> <safe message> (<cause code>)`; a configuration error's problems follow, one a line. */
  line: string;
  /** 2 for a configuration problem (settings, data key), 1 for anything else. */
  exitCode: 1 | 2;
}

const CODE = /^[A-Za-z0-9_.:-]{1,64}$/;
const NAME = /^[A-Za-z0-9_]{1,64}$/;

// Store codes that mean the data key settings are wrong, with what the operator can change (@mts/store's codes; the
// kit names the variables, which the store does not know).
const KEY_ADVICE: Readonly<Record<string, string>> = {
  STORE_KEY_MISSING: 'MTS_DATA_KEY_FILE must name an existing key file (only the default <data dir>/data.key is generated), or set MTS_DATA_KEY',
  STORE_BAD_DATA_KEY: 'check MTS_DATA_KEY, MTS_DATA_KEY_FILE and MTS_DATA_KEY_PREVIOUS',
  STORE_UNKNOWN_KEY_ID:
    'set MTS_DATA_KEY or MTS_DATA_KEY_FILE to the key that sealed the data, or list it in MTS_DATA_KEY_PREVIOUS after a rotation',
};

type Loose = { code?: unknown; retryable?: unknown; problems?: unknown; message?: unknown; name?: unknown; syscall?: unknown; address?: unknown; port?: unknown; cause?: unknown; errors?: unknown };

const codeOf = (e: Loose | null | undefined): string | undefined => (typeof e?.code === 'string' && CODE.test(e.code) ? e.code : undefined);

/** The first code down the cause chain (an AggregateError's first error included): an SQLSTATE, an errno, a lib's code. */
function causeCode(error: Loose): string | undefined {
  let next = error.cause as Loose | undefined;
  for (let depth = 0; next && depth < 5; depth++) {
    const code = codeOf(next) ?? (Array.isArray(next.errors) ? codeOf(next.errors[0] as Loose) : undefined);
    if (code) return code;
    next = next.cause as Loose | undefined;
  }
  return undefined;
}

/**
 * Describes why an entry point could not start, in the one format every app prints. The message is printed only
 * where it is known to be safe: the typed errors of this project (a string `code` and a boolean `retryable`, whose
 * messages carry no secret or identity data by rule) and Node's system errors (rebuilt from `syscall`, `address`,
 * `port`). Of a cause, only its code: a driver's message can hold a user name, a host or a URL. No stack.
 *
 * @example
 * main().catch((error) => {
 *   const failure = describeStartFailure('api', error);
 *   process.stderr.write(`${failure.line}\n`); // api failed to start: STORE_UNAVAILABLE the PostgreSQL database could not be reached or opened (3D000)
 *   process.exit(failure.exitCode);
 * });
 */
export function describeStartFailure(app: string, error: unknown): StartFailure {
  const e = (typeof error === 'object' && error !== null ? error : {}) as Loose;
  const name = typeof e.name === 'string' && NAME.test(e.name) ? e.name : typeof error;
  let code = codeOf(e);
  let message: string;
  if (code && typeof e.retryable === 'boolean' && typeof e.message === 'string') {
    message = e.message.slice(0, 2000);
  } else if (code && typeof e.syscall === 'string' && NAME.test(e.syscall)) {
    const where = typeof e.address === 'string' ? ` ${e.address}${typeof e.port === 'number' ? `:${e.port}` : ''}` : '';
    message = `${e.syscall}${where}`;
  } else {
    code ??= 'UNEXPECTED';
    message = name;
  }
  const advice = KEY_ADVICE[code];
  const cause = causeCode(e);
  const configuration = Array.isArray(e.problems) || advice !== undefined;
  const line = `${app} failed to start: ${code} ${message}${advice ? `: ${advice}` : ''}${cause && cause !== code && !message.endsWith(`(${cause})`) ? ` (${cause})` : ''}`;
  return { line, exitCode: configuration ? 2 : 1 };
}

/**
 * What an entry point does when it cannot start: prints {@link describeStartFailure}'s line on stderr and exits with
 * its status (2 for a configuration problem, 1 otherwise).
 *
 * @example main().catch((error) => exitOnStartFailure('api', error));
 */
export function exitOnStartFailure(app: string, error: unknown): never {
  const failure = describeStartFailure(app, error);
  process.stderr.write(`${failure.line}\n`);
  process.exit(failure.exitCode);
}
