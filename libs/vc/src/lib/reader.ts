import { parseJsonArray, parseNdjson, type ByteSource, type ParsedRecord } from '@mts/parsers';
import { VC_CODES, VcError } from './errors.js';
import type { ProofVerifier } from './proof.js';
import { readSignedSubject } from './signed-subject.js';
import { flattenSubject, individualId } from './subject.js';

/** Options of {@link readVcs}. */
export interface ReadVcsOptions {
  /** Language picked from `{language, value}` lists; default `eng` (falls back to the first). */
  lang?: string;
  /** Each VC's proof is checked with it (`vcconfig.verifyProof`); default none. */
  verifier?: ProofVerifier;
  /** Whether a VC without `VID`/`UIN` is an error record (ATS-REQ-064); default true. Off when a caller maps `vid`. */
  requireIndividualId?: boolean;
  /**
   * Elements or lines up to this one are yielded as `{ lineNo, data: {} }` without being checked (a read resumed
   * after a restart, whose earlier records are stored already): their proofs are not verified a second time.
   */
  skipUpToLineNo?: number;
  /** Largest VC in characters (as the JSON parsers' `maxRecordChars`). */
  maxRecordChars?: number;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const failed = (lineNo: number, code: string, message: string, vid?: string): ParsedRecord => ({
  lineNo,
  error: { code, message, ...(vid === undefined ? {} : { vid }) },
});

/**
 * Reads MOSIP VCs — a JSON array or NDJSON, told apart by the first character — into flat seeder records (see
 * `flattenSubject`). `lineNo` is the element's position (array) or the line (NDJSON). A VC that is not JSON, not a
 * credential, without `VID`/`UIN` or, with a verifier, whose proof fails is a `{ lineNo, error }` record with its
 * ATS-REQ-06x code (and, for a proof failure, the subject's VID/UIN as `error.vid`); the stream always goes on.
 * With a verifier, the record holds only data the proof covers (see `readSignedSubject`; ATS-REQ-065).
 *
 * @example
 * ```ts
 * for await (const rec of readVcs(createReadStream('vcs.json'), { lang: 'eng' })) if ('data' in rec) seed(rec.data);
 * ```
 */
export async function* readVcs(input: ByteSource, options: ReadVcsOptions = {}): AsyncGenerator<ParsedRecord> {
  const lang = options.lang || 'eng';
  const requireId = options.requireIndividualId ?? true;
  const { first, rest } = await peekFirstChar(input as AsyncIterable<Uint8Array | string>);
  const parse = first === '[' ? parseJsonArray : parseNdjson;
  const parseOptions = options.maxRecordChars === undefined ? {} : { maxRecordChars: options.maxRecordChars };
  const skipUpTo = options.skipUpToLineNo ?? 0;
  for await (const parsed of parse(rest, parseOptions)) {
    if (parsed.lineNo <= skipUpTo) {
      yield { lineNo: parsed.lineNo, data: {} };
      continue;
    }
    if ('error' in parsed) {
      yield failed(parsed.lineNo, VC_CODES.notJson, `the VC is not a JSON object (${parsed.error.code})`);
      continue;
    }
    yield await toRecord(parsed.lineNo, parsed.data);
  }

  async function toRecord(lineNo: number, vc: Json): Promise<ParsedRecord> {
    let subject = vc.credentialSubject;
    if (Array.isArray(subject) && subject.length === 1) subject = subject[0];
    if (!isObject(subject)) return failed(lineNo, VC_CODES.notCredential, 'the VC has no credentialSubject object');
    let data: Json;
    if (options.verifier) {
      try {
        await options.verifier.verify(vc);
        // Only what the proof covers reaches the record.
        data = await readSignedSubject(vc, subject, lang);
      } catch (err) {
        // The output row names the VC by its (unverified) VID/UIN, as MTS names an invalid record by its vid.
        if (err instanceof VcError) return failed(lineNo, err.code, err.message, individualId(subject));
        throw err;
      }
    } else data = flattenSubject(subject, lang);
    if (requireId && individualId(data) === undefined) return failed(lineNo, VC_CODES.noIndividualId, 'the credentialSubject has neither VID nor UIN');
    return { lineNo, data };
  }
}

/** The first non-blank character of the text (after a BOM), and the whole input again. */
async function peekFirstChar(input: AsyncIterable<Uint8Array | string>): Promise<{ first: string | undefined; rest: AsyncIterable<Uint8Array | string> }> {
  const it = input[Symbol.asyncIterator]();
  const seen: (Uint8Array | string)[] = [];
  let first: string | undefined;
  for (;;) {
    const step = await it.next();
    if (step.done) break;
    seen.push(step.value);
    const text = typeof step.value === 'string' ? step.value : Buffer.from(step.value).toString('latin1');
    const m = /[^\s\uFEFF\u00EF\u00BB\u00BF]/.exec(text);
    if (m) {
      first = m[0];
      break;
    }
  }
  async function* rest(): AsyncGenerator<Uint8Array | string> {
    yield* seen;
    for (;;) {
      const step = await it.next();
      if (step.done) return;
      yield step.value;
    }
  }
  return { first, rest: rest() };
}
