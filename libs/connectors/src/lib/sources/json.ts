import { jsonInput } from '@mts/envelope';
import { parseJsonArray, parseNdjson } from '@mts/parsers';
import type { InputSource } from '../source.js';

/** POST authtoken/json: the records in `request.authdata`, stored as NDJSON while the body streams in. */
export const jsonSource: InputSource<'json'> = {
  kind: 'json',
  // `json` (a JSON array file) is what requests stored before the streaming intake hold.
  storedAs: ['ndjson', 'json'],
  envelope: jsonInput,
  intake: { type: 'records', field: 'authdata' },
  read: (ctx) => (ctx.inputKind === 'json' ? parseJsonArray(ctx.openInput()) : parseNdjson(ctx.openInput())),
};
