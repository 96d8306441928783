import { createHash } from 'node:crypto';
import { rm, stat } from 'node:fs/promises';
import { authenticatorConfigFromEnv, checkAuthenticatorEnv, createAuthenticator, type Authenticator } from '@mts/authenticator';
import { compileOutputFormat, type OutputTemplate } from '@mts/field-mapping';
import { parseSeedArgs, USAGE, type SeedOptions } from './lib/args.js';
import { runEmbedded } from './lib/embedded.js';
import { EXIT, SeedError } from './lib/exit-codes.js';
import { checkJsonInput } from './lib/json-input.js';
import { Journal, type JournalHeader } from './lib/journal.js';
import { writeFileAtomically, writerFor } from './lib/output-file.js';
import { createProgress, duration, type ProgressSink } from './lib/progress.js';
import { runServer } from './lib/server.js';

/** Where `mts-seed` reads and writes; injectable for tests. */
export interface SeedIo {
  env: NodeJS.ProcessEnv;
  stdout: { write(text: string): unknown };
  stderr: ProgressSink;
  /** Aborted on SIGINT/SIGTERM: the run stops, flushes its journal and returns 5. */
  signal?: AbortSignal;
  /** What --version prints (the bin passes the package's version). */
  version?: string;
  /** For tests: replaces the authenticator built from the environment. */
  authenticator?: Pick<Authenticator, 'authenticate' | 'close'>;
  /** For tests: server mode's fetch, poll interval, and the embedded CLI's own retry waits. */
  fetch?: typeof fetch;
  pollMs?: number;
  retryDelaysMs?: number[];
}

/**
 * Runs `mts-seed` and resolves to its exit status (see `EXIT`). Prints no record data, token or key.
 *
 * @example
 * process.exitCode = await runSeedCli(process.argv.slice(2), { env: process.env, stdout: process.stdout, stderr: process.stderr });
 */
export async function runSeedCli(argv: string[], io: SeedIo): Promise<number> {
  const fail = (e: SeedError) => {
    io.stderr.write(`mts-seed: ${e.message}\n${e.exitCode === EXIT.USAGE && e.code === 'USAGE' ? 'run mts-seed --help for the options\n' : ''}`);
    return e.exitCode;
  };
  let options: SeedOptions;
  try {
    const parsed = parseSeedArgs(argv, io.env);
    if (parsed.kind === 'help') {
      io.stdout.write(`${USAGE}\n`);
      return EXIT.OK;
    }
    if (parsed.kind === 'version') {
      io.stdout.write(`${io.version ?? 'unknown'}\n`);
      return EXIT.OK;
    }
    options = parsed.options;
  } catch (e) {
    if (e instanceof SeedError) return fail(e);
    throw e;
  }
  try {
    return await run(options, io);
  } catch (e) {
    if (e instanceof SeedError) return fail(e);
    throw e;
  }
}

async function run(options: SeedOptions, io: SeedIo): Promise<number> {
  let input;
  try {
    input = await stat(options.input);
    if (!input.isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' });
  } catch (e) {
    throw new SeedError(EXIT.INPUT_UNREADABLE, `cannot read the input (${(e as NodeJS.ErrnoException).code ?? 'error'})`, 'INPUT_UNREADABLE');
  }
  if (options.inputFormat === 'json') await checkJsonInput(options.input);
  let template: OutputTemplate | null = null;
  if (options.template !== undefined) {
    try {
      template = compileOutputFormat(options.template);
    } catch (e) {
      throw new SeedError(EXIT.USAGE, `--output-format: ${(e as { code?: string }).code ?? 'invalid'}: ${(e as Error).message}`, 'USAGE');
    }
  }
  const header: JournalHeader = { mtsSeed: 1, mode: options.mode, input: { size: input.size, mtimeMs: input.mtimeMs }, fingerprint: fingerprint(options) };
  const journalPath = `${options.output}.journal`;
  const progress = createProgress(io.stderr, { intervalMs: options.progressMs, quiet: options.quiet });
  const say = (text: string) => {
    progress.end();
    if (!options.quiet) io.stderr.write(`mts-seed: ${text}\n`);
  };

  if (options.mode === 'server') {
    const journal = options.resume ? await Journal.resume(journalPath, header) : await Journal.create(journalPath, header);
    try {
      const result = await runServer(options, { journal, progress, signal: io.signal, fetch: io.fetch, pollMs: io.pollMs });
      await journal.close();
      await rm(journalPath, { force: true });
      const c = result.counts;
      say(`request ${result.requestId} ${result.status}: ${c.total} records, ${c.processed} with a token, ${c.error} error, ${c.invalid} invalid in ${duration(progress.elapsedMs() / 1000)}; output ${options.output}`);
      return c.error + c.invalid > 0 || result.status !== 'processed' ? EXIT.RECORD_ERRORS : EXIT.OK;
    } catch (e) {
      progress.end();
      await journal.close().catch(() => undefined);
      // Nothing was submitted (refused key, unreachable server, refused envelope): there is nothing to resume.
      if (!journal.requestId) await rm(journalPath, { force: true });
      throw e;
    }
  }

  // Embedded: the partner settings are checked before anything is written.
  let authenticator: Pick<Authenticator, 'authenticate' | 'close'>;
  if (io.authenticator) authenticator = io.authenticator;
  else {
    // Named as the user sets them (TOKENSEEDER_*), as the worker names them, not by the authenticator's config keys.
    const problems = checkAuthenticatorEnv(io.env);
    if (problems.length > 0) throw new SeedError(EXIT.UNREACHABLE, `IDA partner settings are unusable: AUT_CFG_001: ${problems.join('; ')}`, 'AUT_CFG_001');
    try {
      authenticator = createAuthenticator({ ...authenticatorConfigFromEnv(io.env), maxSockets: options.concurrency });
    } catch (e) {
      const code = (e as { code?: string }).code ?? 'error';
      throw new SeedError(EXIT.UNREACHABLE, `IDA partner settings are unusable: ${code}: ${(e as Error).message}`, code);
    }
  }
  try {
    const journal = options.resume ? await Journal.resume(journalPath, header) : await Journal.create(journalPath, header);
    let result;
    try {
      result = await runEmbedded(options, { authenticator, template, journal, progress, inputSize: input.size, signal: io.signal, retryDelaysMs: io.retryDelaysMs });
    } finally {
      await journal.close();
    }
    if (!result.complete) {
      progress.end();
      throw result.stopped ?? new SeedError(EXIT.INTERRUPTED, 'stopped before the end of the input; run again with --resume', 'INTERRUPTED');
    }
    await writeFileAtomically(options.output, writerFor(options.outputFormat, journal.rows(result.total), template !== null));
    await rm(journalPath, { force: true });
    const c = journal.counts;
    say(`${result.total} records: ${c.processed} with a token, ${c.error} error, ${c.invalid} invalid in ${duration(progress.elapsedMs() / 1000)}; output ${options.output}`);
    return c.error + c.invalid > 0 ? EXIT.RECORD_ERRORS : EXIT.OK;
  } finally {
    progress.end();
    if (!io.authenticator) await authenticator.close();
  }
}

/** The options that shape the journal's rows: a resume must use the same ones. */
function fingerprint(o: SeedOptions): string {
  const shape = { mode: o.mode, server: o.server, inputFormat: o.inputFormat, mapping: o.mapping ?? null, template: o.template ?? null, lang: o.lang ?? null, mandatory: o.mandatory ?? null, delimiter: o.csvDelimiter ?? null, output: o.mode === 'server' ? o.outputFormat : null };
  return createHash('sha256').update(JSON.stringify(shape)).digest('hex').slice(0, 32);
}
