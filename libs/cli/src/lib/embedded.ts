import { createReadStream } from 'node:fs';
import type { Authenticator } from '@mts/authenticator';
import { createRecordMapper, type DefaultOutputRecord, type OutputTemplate } from '@mts/field-mapping';
import { parseCsv, parseJsonArray, parseNdjson, type ParsedRecord } from '@mts/parsers';
import { outputFromError, outputFromResult } from './answer.js';
import type { SeedOptions } from './args.js';
import { EXIT, SeedError } from './exit-codes.js';
import type { Journal, JournalEntry } from './journal.js';
import type { Progress } from './progress.js';

/** How the embedded pass ended: every record journaled (`complete`), or stopped early and why. */
export interface EmbeddedResult {
  /** Records in the input (known once it was read to the end). */
  total: number;
  complete: boolean;
  /** Set when stopped: SIGINT/SIGTERM (exit 5) or IDA unreachable (exit 4). */
  stopped?: SeedError;
}

export interface EmbeddedDeps {
  authenticator: Pick<Authenticator, 'authenticate'>;
  template: OutputTemplate | null;
  journal: Journal;
  progress: Progress;
  inputSize: number;
  signal?: AbortSignal;
  /** Waits between the CLI's own retries of a record IDA could not be reached for (tests make it short). */
  retryDelaysMs?: number[];
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Parse → map → authenticate → template → journal, at most `concurrency` records between "sent to IDA" and
 * "journaled" (so a kill re-sends at most that many). Records already in the journal are skipped. Rows go to the
 * journal in completion order; the output is written from it in input order afterwards (see `Journal.rows`).
 */
export async function runEmbedded(options: SeedOptions, deps: EmbeddedDeps): Promise<EmbeddedResult> {
  const { journal, progress, template, authenticator } = deps;
  const retryDelays = deps.retryDelaysMs ?? [1000, 3000];
  const map = createRecordMapper({ mapping: options.mapping ?? null, lang: options.lang, ...(options.mandatory ? { mandatoryFields: options.mandatory } : {}) });
  const resumed = journal.done;
  let bytesRead = 0;
  let done = 0;
  let stopped: SeedError | undefined;
  const report = () => progress.update({ done, resumed, resuming: resumed > 0, fraction: deps.inputSize > 0 ? bytesRead / deps.inputSize : undefined });

  const onAbort = () => {
    stopped ??= new SeedError(EXIT.INTERRUPTED, 'interrupted: the journal is flushed; run again with --resume to continue', 'INTERRUPTED');
  };
  deps.signal?.addEventListener('abort', onAbort, { once: true });
  if (deps.signal?.aborted) onAbort();

  const finish = async (seq: number, lineNo: number, input: unknown, output: DefaultOutputRecord) => {
    let row: unknown = output;
    let outcome = output.status as JournalEntry['outcome'];
    if (template) {
      try {
        row = template({ input: input ?? {}, output });
      } catch (e) {
        // One record's template failure is that record's error, as a row-level problem never aborts the batch.
        row = { ...output, status: 'error', token: null, errorCode: (e as { code?: string }).code ?? 'JQ_RUNTIME', errorMessage: 'outputFormat failed for this record' };
        outcome = 'error';
      }
    }
    await journal.append([{ seq, lineNo, outcome, row }]);
    done++;
    report();
  };

  const authenticate = async (seq: number, lineNo: number, data: unknown, input: { vid: string } & Record<string, unknown>) => {
    const { vid, ...demographics } = input;
    for (let attempt = 0; ; attempt++) {
      if (stopped) return; // not journaled: a resume sends it
      try {
        const result = await authenticator.authenticate({ individualId: vid, demographics });
        return await finish(seq, lineNo, data, outputFromResult(vid, result));
      } catch (e) {
        if (e instanceof SeedError) throw e;
        if ((e as { retryable?: unknown }).retryable !== true) return await finish(seq, lineNo, data, outputFromError(vid, e));
        if (attempt >= retryDelays.length) {
          stopped ??= new SeedError(EXIT.UNREACHABLE, `IDA is unreachable (${(e as { code?: string }).code ?? 'error'}); finished records are journaled: run again with --resume`, 'IDA_UNREACHABLE');
          return;
        }
        await sleep(retryDelays[attempt]!);
      }
    }
  };

  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  const track = (p: Promise<void>) => {
    const t = p.catch((e) => {
      failure ??= e;
    }).finally(() => inFlight.delete(t));
    inFlight.add(t);
  };

  let seq = -1;
  let total = 0;
  let readToEnd = false;
  try {
    for await (const parsed of parse(options, countBytes(options.input, (n) => (bytesRead += n)))) {
      if (stopped || failure) break;
      seq++;
      if (journal.has(seq, parsed.lineNo)) continue;
      if ('error' in parsed) {
        const { code, message, vid } = parsed.error;
        await finish(seq, parsed.lineNo, undefined, { vid: vid ?? null, status: 'invalid', token: null, errorCode: code, errorMessage: message });
        continue;
      }
      const mapped = map(parsed.data);
      if (!mapped.ok) {
        await finish(seq, parsed.lineNo, parsed.data, { vid: mapped.vid, status: 'invalid', token: null, errorCode: mapped.code, errorMessage: mapped.message });
        continue;
      }
      while (inFlight.size >= options.concurrency) await Promise.race(inFlight);
      if (stopped || failure) break;
      track(authenticate(seq, parsed.lineNo, parsed.data, mapped.input as { vid: string } & Record<string, unknown>));
    }
    readToEnd = !stopped && !failure;
    total = seq + 1;
  } catch (e) {
    await Promise.all(inFlight);
    if (e instanceof SeedError) throw e;
    const code = [(e as { code?: string }).code, ((e as { cause?: { code?: string } }).cause)?.code].filter(Boolean).join(':');
    throw new SeedError(EXIT.INPUT_UNREADABLE, `the input cannot be read (${code || 'error'})`, 'INPUT_UNREADABLE');
  } finally {
    deps.signal?.removeEventListener('abort', onAbort);
  }
  await Promise.all(inFlight);
  if (failure) throw failure;
  progress.update({ done, resumed, fraction: 1 });
  return { total, complete: readToEnd && !stopped, stopped };
}

function parse(options: SeedOptions, bytes: AsyncIterable<Uint8Array>): AsyncIterable<ParsedRecord> {
  if (options.inputFormat === 'json') return parseJsonArray(bytes);
  if (options.inputFormat === 'ndjson') return parseNdjson(bytes);
  return parseCsv(bytes, options.csvDelimiter ? { delimiter: options.csvDelimiter } : {});
}

async function* countBytes(path: string, onBytes: (n: number) => void): AsyncIterable<Uint8Array> {
  for await (const chunk of createReadStream(path, { highWaterMark: 64 * 1024 })) {
    onBytes((chunk as Buffer).length);
    yield chunk as Buffer;
  }
}
