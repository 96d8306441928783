// Runs the Form.io stand-in: node apps/formio-standin/dist/main.js [--port 8449] [--host 127.0.0.1]
//   [--demo 20] [--identities <ida-sandbox identities.json>] [--data seed.json] [--token-ttl-ms 14400000]
// seed.json holds { users, apiKeys, forms, submissions } as startFormioStandin takes them; without it, demo data
// (with --identities, built from the IDA sandbox's people so the demo's records authenticate).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { demoFormioData, peopleFromIdentities } from './lib/demo.js';
import { startFormioStandin } from './lib/server.js';
import type { FormioStandinOptions } from './lib/types.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.FORMIO_STANDIN_PORT ?? '8449' },
    host: { type: 'string', default: '127.0.0.1' },
    demo: { type: 'string', default: '20' },
    identities: { type: 'string' },
    data: { type: 'string' },
    'token-ttl-ms': { type: 'string' },
  },
});

const port = Number(values.port);
const count = Number(values.demo);
const ttl = values['token-ttl-ms'] === undefined ? undefined : Number(values['token-ttl-ms']);
if (!Number.isInteger(port) || port < 0 || port > 65535 || !Number.isInteger(count) || count < 0 || (ttl !== undefined && !(ttl > 0))) {
  console.error('formio-standin: --port must be 0..65535, --demo a non-negative integer, --token-ttl-ms a positive number');
  process.exit(2);
}
const people = values.identities ? peopleFromIdentities(JSON.parse(readFileSync(values.identities, 'utf8'))) : undefined;
const seed: Omit<FormioStandinOptions, 'port' | 'host'> = values.data
  ? (JSON.parse(readFileSync(values.data, 'utf8')) as FormioStandinOptions)
  : demoFormioData({ count, ...(people ? { people } : {}) });
const standin = await startFormioStandin({ ...seed, port, host: values.host, ...(ttl ? { tokenTtlMs: ttl } : {}) });
console.log(JSON.stringify({ msg: 'formio-standin listening', url: standin.url, forms: seed.forms.map((f) => f.path), submissions: seed.submissions?.length ?? 0 }));

const stop = () => void standin.close().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
