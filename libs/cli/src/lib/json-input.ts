import { open } from 'node:fs/promises';
import { EXIT, SeedError } from './exit-codes.js';

/** How much of a JSON input is looked at to tell an object (an MTS envelope) from an array of records. */
const HEAD_BYTES = 64 * 1024;

/**
 * Refuses a JSON input that is one object instead of an array of records, before anything is sent or written: the
 * parser would answer only "not a JSON array", and a server would take the whole file as `authdata`. An MTS request
 * envelope (`{"request": {"authdata": [...]}}`, e.g. docs/examples/sample.json) is named as such, with how to take
 * its records out.
 *
 * @throws SeedError exit 3 (`INPUT_NOT_RECORDS`)
 */
export async function checkJsonInput(path: string): Promise<void> {
  const handle = await open(path, 'r').catch(() => null);
  if (!handle) return; // the stat before this succeeded; a race is the parser's to report
  let head: string;
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0);
    head = buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
  const first = /^\uFEFF?\s*(\S)/.exec(head)?.[1];
  if (first !== '{') return;
  if (/"request"\s*:/.test(head) && /"authdata"\s*:/.test(head)) {
    throw new SeedError(
      EXIT.INPUT_UNREADABLE,
      'the input is an MTS request envelope ({"request": {"authdata": [...]}}), not records: mts-seed takes the records themselves, as a JSON array, NDJSON or CSV (e.g. jq .request.authdata envelope.json > records.json)',
      'INPUT_NOT_RECORDS',
    );
  }
  throw new SeedError(EXIT.INPUT_UNREADABLE, 'the input is a JSON object, not records: mts-seed takes a JSON array of records, NDJSON or CSV', 'INPUT_NOT_RECORDS');
}
