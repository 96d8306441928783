// Runs the Google Sheets stand-in: node apps/sheets-standin/dist/main.js [--port 8450] [--host 127.0.0.1]
//   [--identities data/ida-sandbox/identities.json] [--demo 20] [--data seed.json] [--key-file sa.json]
// seed.json holds { spreadsheets, apiKeys, serviceAccounts } as startSheetsStandin takes them; without it, the demo
// sheets (people from the IDA sandbox's identities file when given, so they authenticate; else synthetic ones).
// --key-file writes the demo service account's JSON key (client_email, private_key, token_uri) there.
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { demoSheetsData, peopleFromIdentities, syntheticPeople } from './lib/demo.js';
import { startSheetsStandin } from './lib/server.js';
import type { SheetsStandinOptions } from './lib/types.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.SHEETS_STANDIN_PORT ?? '8450' },
    host: { type: 'string', default: '127.0.0.1' },
    data: { type: 'string' },
    identities: { type: 'string' },
    demo: { type: 'string', default: '20' },
    'key-file': { type: 'string' },
  },
});

const port = Number(values.port);
const demoCount = Number(values.demo);
if (!Number.isInteger(port) || port < 0 || port > 65535 || !Number.isInteger(demoCount) || demoCount < 0) {
  console.error('sheets-standin: --port must be 0..65535 and --demo a non-negative integer');
  process.exit(2);
}
let seed: Omit<SheetsStandinOptions, 'port' | 'host'>;
let keyFile: Record<string, string> | undefined;
if (values.data) seed = JSON.parse(readFileSync(values.data, 'utf8')) as typeof seed;
else {
  const people = values.identities ? peopleFromIdentities(JSON.parse(readFileSync(values.identities, 'utf8'))).slice(0, demoCount) : syntheticPeople(demoCount);
  const demo = demoSheetsData(people);
  seed = demo;
  keyFile = demo.serviceAccountKey;
}
const standin = await startSheetsStandin({ ...seed, port, host: values.host });
if (keyFile && values['key-file']) writeFileSync(values['key-file'], JSON.stringify({ ...keyFile, token_uri: standin.tokenUrl }, null, 2), { mode: 0o600 });
console.log(JSON.stringify({ msg: 'sheets-standin listening', url: standin.url, tokenUrl: standin.tokenUrl, spreadsheets: seed.spreadsheets.map((s) => s.spreadsheetId) }));

const stop = () => void standin.close().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
