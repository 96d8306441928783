// Runs the ODK Central stand-in: node apps/odk-standin/dist/main.js [--port 8448] [--host 127.0.0.1]
//   [--data seed.json] [--demo 20] [--public-url http://odk.local]
// seed.json holds { users, forms, submissions } as startOdkStandin takes them; without it, demo data.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { demoOdkData } from './lib/demo.js';
import { startOdkStandin } from './lib/server.js';
import type { OdkStandinOptions } from './lib/types.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.ODK_STANDIN_PORT ?? '8448' },
    host: { type: 'string', default: '127.0.0.1' },
    data: { type: 'string' },
    demo: { type: 'string', default: '20' },
    'public-url': { type: 'string' },
  },
});

const port = Number(values.port);
const demoCount = Number(values.demo);
if (!Number.isInteger(port) || port < 0 || port > 65535 || !Number.isInteger(demoCount) || demoCount < 0) {
  console.error('odk-standin: --port must be 0..65535 and --demo a non-negative integer');
  process.exit(2);
}
const seed = values.data ? (JSON.parse(readFileSync(values.data, 'utf8')) as Omit<OdkStandinOptions, 'port' | 'host'>) : demoOdkData(demoCount);
const standin = await startOdkStandin({ ...seed, port, host: values.host, publicUrl: values['public-url'] });
console.log(JSON.stringify({ msg: 'odk-standin listening', url: standin.url, forms: seed.forms.length, submissions: seed.submissions?.length ?? 0 }));

const stop = () => void standin.close().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
