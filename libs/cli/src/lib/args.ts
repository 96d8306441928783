import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parseArgs } from 'node:util';
import { MTS_AUTH_FIELDS, type RecordMapperOptions } from '@mts/field-mapping';
import { EXIT, SeedError } from './exit-codes.js';

export type Format = 'csv' | 'json' | 'ndjson';
export type Mapping = NonNullable<RecordMapperOptions['mapping']>;

/** A run of `mts-seed`, as the flags describe it. */
export interface SeedOptions {
  input: string;
  output: string;
  mode: 'embedded' | 'server';
  server?: string;
  apiKey?: string;
  inputFormat: Format;
  outputFormat: Format;
  mapping?: Mapping;
  template?: string;
  lang?: string;
  mandatory?: string[];
  concurrency: number;
  resume: boolean;
  quiet: boolean;
  csvDelimiter?: string;
  /** Non-TTY progress lines every this many ms (and the TTY line's refresh). */
  progressMs: number;
}

export const USAGE = `usage: mts-seed <input> -o <output> [options]

Authenticates every record of a CSV, JSON-array or NDJSON file against MOSIP IDA (demographic auth) and writes one
output row per input record, in input order: MTS's {vid, status, token, errorCode, errorMessage}, or what
--output-format makes of it. Records that fail validation or authentication are rows with their error code.

modes:
  --embedded               (default) parse, map, authenticate and write in this process. IDA partner settings come
                           from MTS's TOKENSEEDER_* environment names (TOKENSEEDER_MOSIP_AUTH_SERVER__IDA_AUTH_URL,
                           TOKENSEEDER_MOSIP_AUTH__PARTNER_ID, ..._PARTNER_APIKEY, ..._PARTNER_MISP_LK,
                           TOKENSEEDER_CRYPTO_ENCRYPT__ENCRYPT_CERT_PATH, TOKENSEEDER_CRYPTO_SIGNATURE__SIGN_P12_FILE_PATH,
                           TOKENSEEDER_CRYPTO_SIGNATURE__SIGN_P12_FILE_PASSWORD, ...)
  --server <url>           submit the file to a running token seeder (POST authtoken/csv or authtoken/json), follow
                           its status and download the output
  --api-key <key>          server mode: sent as X-API-Key (default: $MTS_API_KEY, which other users cannot see in ps)

options:
  -o, --out <file>         output file (required); written to <file>.part, renamed when complete
  --format <f>             input format: csv | json | ndjson (default: by the input's extension)
  --output <f>             output format: csv | json | ndjson (default: by the output's extension, else csv)
  --mapping <k=v,...>      MTS mapping: vid=ID,name=first+last,gender=sex,dob=born,fullAddress=street+city
                           (keys: ${MTS_AUTH_FIELDS.join(', ')}; '+' joins several columns for name and fullAddress)
  --mapping-file <f.json>  the same as MTS's request.mapping object
  --output-format <jq>     MTS's outputFormat: a jq expression over {input, output}
  --lang <code>            language of name, gender and address values (default eng)
  --mandatory <a,b>        embedded: fields a record must have (default $TOKENSEEDER_AUTHTOKEN__MANDATORY_VALIDATION_AUTH_FIELDS,
                           else name,gender,dob,fullAddress; vid always)
  --delimiter <c>          CSV input delimiter (default ,)
  --concurrency <n>        embedded: IDA calls in flight (default 8)
  --resume                 continue the run recorded in <output>.journal
  --quiet                  no progress and no summary (errors only)
  --progress-ms <n>        not on a TTY: a progress line every n ms (default 2000)
  -h, --help, --version

journal: <output>.journal records each finished record (embedded: line number, outcome and its output row; server:
the request id). It is appended as the run goes, fsync'd in batches, and removed once the output is complete. It
holds output rows only - tokens and the vid, never the input's name, gender, dob, phone, e-mail or address, unless
--output-format puts them in the output. Keep it as you keep the output. A journal left by a run that did not finish
makes the next run without --resume stop (exit 2) instead of overwriting it. After a kill, records already in the
journal are never sent to IDA again; at most --concurrency records that were in flight are sent again.

exit status:
  0 every record has a token            1 finished, some records are error/invalid (see their rows)
  2 usage error (also: journal exists without --resume, or belongs to another input/options)
  3 input unreadable or not records     4 IDA or the server unreachable, or IDA partner settings unusable
  5 interrupted (SIGINT/SIGTERM; the journal is flushed: run again with --resume)
  6 server refused the request or ended it without an output
  7 server refused the API key (401/403)  8 output or journal cannot be written`;

const FORMATS: readonly Format[] = ['csv', 'json', 'ndjson'];

const usage = (message: string) => new SeedError(EXIT.USAGE, message, 'USAGE');

function formatOf(value: string | undefined, file: string, flag: string, fallback: Format | undefined): Format {
  if (value !== undefined) {
    if (!FORMATS.includes(value as Format)) throw usage(`${flag} must be one of ${FORMATS.join(', ')}`);
    return value as Format;
  }
  const ext = extname(file).toLowerCase().slice(1);
  if (ext === 'jsonl') return 'ndjson';
  if (FORMATS.includes(ext as Format)) return ext as Format;
  if (fallback) return fallback;
  throw usage(`cannot tell the format of ${flag === '--format' ? 'the input' : 'the output'} from its name: give ${flag}`);
}

/** `vid=ID,name=first+last` → MTS mapping; '+' makes a list (name, fullAddress). */
export function parseMapping(text: string): Mapping {
  const mapping: Record<string, string | string[]> = {};
  for (const pair of text.split(',')) {
    if (pair.trim() === '') continue;
    const eq = pair.indexOf('=');
    const key = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    if (eq < 1 || value === '') throw usage(`--mapping: "${pair}" is not key=column`);
    if (!(MTS_AUTH_FIELDS as readonly string[]).includes(key)) throw usage(`--mapping: unknown field "${key}" (one of ${MTS_AUTH_FIELDS.join(', ')})`);
    const parts = value.split('+').map((p) => p.trim());
    if (parts.some((p) => p === '')) throw usage(`--mapping: "${pair}" has an empty column`);
    if (parts.length > 1 && key !== 'name' && key !== 'fullAddress') throw usage(`--mapping: only name and fullAddress join several columns`);
    mapping[key] = key === 'name' || key === 'fullAddress' ? parts : parts[0]!;
  }
  return mapping as Mapping;
}

function readMappingFile(path: string): Mapping {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw usage(`--mapping-file: cannot read a JSON object (${(e as NodeJS.ErrnoException).code ?? 'not JSON'})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw usage('--mapping-file must hold a JSON object');
  for (const [key, v] of Object.entries(value)) {
    if (!(MTS_AUTH_FIELDS as readonly string[]).includes(key)) throw usage(`--mapping-file: unknown field "${key}"`);
    const ok = typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string'));
    if (!ok) throw usage(`--mapping-file: "${key}" must be a column name or a list of them`);
  }
  return value as Mapping;
}

function positiveInt(value: string | undefined, flag: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max) throw usage(`${flag} must be a whole number from 1 to ${max}`);
  return Number(value);
}

/** What the command line asks for: a run, or help/version text. Throws SeedError (exit 2) for a usage error. */
export function parseSeedArgs(argv: string[], env: NodeJS.ProcessEnv): { kind: 'run'; options: SeedOptions } | { kind: 'help' } | { kind: 'version' } {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        out: { type: 'string', short: 'o' },
        server: { type: 'string' },
        embedded: { type: 'boolean' },
        'api-key': { type: 'string' },
        format: { type: 'string' },
        output: { type: 'string' },
        mapping: { type: 'string' },
        'mapping-file': { type: 'string' },
        'output-format': { type: 'string' },
        lang: { type: 'string' },
        mandatory: { type: 'string' },
        delimiter: { type: 'string' },
        concurrency: { type: 'string' },
        resume: { type: 'boolean' },
        quiet: { type: 'boolean' },
        'progress-ms': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean' },
      },
    });
  } catch (e) {
    throw usage((e as Error).message);
  }
  const { values: v, positionals } = parsed;
  if (v.help) return { kind: 'help' };
  if (v.version) return { kind: 'version' };
  if (positionals.length !== 1) throw usage(positionals.length === 0 ? 'an input file is required' : 'give exactly one input file');
  if (!v.out) throw usage('-o <output> is required');
  if (v.server !== undefined && v.embedded) throw usage('--server and --embedded exclude each other');
  if (v.mapping !== undefined && v['mapping-file'] !== undefined) throw usage('--mapping and --mapping-file exclude each other');
  const mode = v.server !== undefined ? 'server' : 'embedded';
  if (mode === 'server') {
    let url: URL;
    try {
      url = new URL(v.server!);
    } catch {
      throw usage('--server must be a URL, e.g. http://127.0.0.1:8080');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw usage('--server must be an http or https URL');
    if (v.mandatory !== undefined) throw usage('--mandatory is a server setting in server mode (TOKENSEEDER_AUTHTOKEN__MANDATORY_VALIDATION_AUTH_FIELDS)');
    if (v.concurrency !== undefined) throw usage('--concurrency applies to embedded mode only (the server has MTS_IDA_CONCURRENCY)');
  }
  if (v.delimiter !== undefined && v.delimiter.length !== 1) throw usage('--delimiter must be one character');
  if (v.lang !== undefined && !/^[a-z]{2,3}$/.test(v.lang)) throw usage('--lang must be a 2- or 3-letter language code');
  const options: SeedOptions = {
    input: positionals[0]!,
    output: v.out,
    mode,
    server: v.server,
    apiKey: v['api-key'] ?? (env.MTS_API_KEY || undefined),
    inputFormat: formatOf(v.format, positionals[0]!, '--format', undefined),
    outputFormat: formatOf(v.output, v.out, '--output', 'csv'),
    mapping: v.mapping !== undefined ? parseMapping(v.mapping) : v['mapping-file'] !== undefined ? readMappingFile(v['mapping-file']) : undefined,
    template: v['output-format'],
    lang: v.lang,
    // Embedded, the service's own setting applies when the flag is absent, as the worker reads it.
    mandatory: (v.mandatory ?? (mode === 'embedded' ? env.TOKENSEEDER_AUTHTOKEN__MANDATORY_VALIDATION_AUTH_FIELDS : undefined))
      ?.split(',')
      .map((f) => f.trim())
      .filter(Boolean),
    concurrency: positiveInt(v.concurrency, '--concurrency', 8, 256),
    resume: v.resume ?? false,
    quiet: v.quiet ?? false,
    csvDelimiter: v.delimiter,
    progressMs: positiveInt(v['progress-ms'], '--progress-ms', 2000, 3_600_000),
  };
  if (options.mandatory) {
    const unknown = options.mandatory.filter((f) => !(MTS_AUTH_FIELDS as readonly string[]).includes(f));
    if (unknown.length > 0) throw usage(`${v.mandatory !== undefined ? '--mandatory' : 'TOKENSEEDER_AUTHTOKEN__MANDATORY_VALIDATION_AUTH_FIELDS'}: unknown field(s) ${unknown.join(', ')}`);
  }
  return { kind: 'run', options };
}
