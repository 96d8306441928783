// Micro-benchmark of outputFormat evaluation: @mts/jq through @mts/field-mapping's compileOutputFormat, one core.
// Prints µs and records/s per template; the last line is one JSON object. Usage: node tools/bench/template.mjs [rounds]
// (default 200 rounds of 1,000 records). Run through `npm run bench:template`, which builds first: this script
// imports the packages' dist.
import { compileOutputFormat } from '@mts/field-mapping';

const templates = {
  'MTS docs example': `{ "pcn": .input.vid, "firstName": .input.demographics.fname, "lastName": .input.demographics.lname,
    "gender": .input.demographics.gender, "email": .input.contacts[0].lname, "address": .input.contacts[0].fulladdress,
    "authToken": .output.token, "authTokenStatus": .output.status, "authTokenError": (.output.errorCode + "::" + .output.errorMessage) }`,
  'paths + // + interpolation': '{ id: .input.vid, token: (.output.token // ""), note: "\\(.output.status)/\\(.output.errorCode // "-")" }',
  'generator (first result)': '.input.contacts[] | { email, vid: $__loc__.line }',
  'identity (false)': false,
};
const record = (n) => ({
  input: { vid: String(4565643452149 + n), demographics: { fname: 'Ana', lname: 'Tester', gender: 'female' },
    contacts: [{ email: 'ana@example.test', fulladdress: '1 Test Lane' }] },
  output: { vid: String(4565643452149 + n), status: 'processed', token: 'T' + n, errorCode: null, errorMessage: null },
});
const records = Array.from({ length: 1000 }, (_, i) => record(i));
const rounds = Number(process.argv[2] ?? 200);
const results = {};
for (const [name, expr] of Object.entries(templates)) {
  const t = compileOutputFormat(expr);
  for (let i = 0; i < 20_000; i++) t(records[i % 1000]); // warm-up
  const start = process.hrtime.bigint();
  for (let r = 0; r < rounds; r++) for (const rec of records) t(rec);
  const ns = Number(process.hrtime.bigint() - start) / (rounds * records.length);
  results[name] = { nsPerRecord: Math.round(ns), recordsPerSecond: Math.round(1e9 / ns) };
  console.log(`${name.padEnd(30)} ${(ns / 1000).toFixed(2)} µs/record  ${Math.round(1e9 / ns).toLocaleString()} records/s`);
}
console.log(JSON.stringify(results));
