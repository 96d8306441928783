// Writes signed sample VCs for the IDA sandbox's identities:
//   node apps/vc-issuer/dist/main.js [--count 10] [--identities data/ida-sandbox/identities.json]
//     [--proof-type RsaSignature2018|Ed25519Signature2020|JsonWebSignature2020] [--vid]
//     [--format json|ndjson] [--out vcs.json] [--trusted-out trusted-issuers.json] [--envelope vc-request.json]
// The identities file is the one the sandbox writes into its data directory (`npm start`: data/ida-sandbox), so
// the VCs authenticate against that sandbox. Only ACTIVATED identities without a demo-auth lock are used.
// --envelope writes a whole POST authtoken/vc body (vcs + vcconfig with verifyProof) for curl -d @file.
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { PROOF_TYPES, type ProofType } from '@mts/vc';
import { createVcIssuer, type IssuableIdentity } from './lib/issuer.js';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '10' },
    identities: { type: 'string', default: 'data/ida-sandbox/identities.json' },
    'proof-type': { type: 'string', default: 'RsaSignature2018' },
    vid: { type: 'boolean', default: false },
    format: { type: 'string', default: 'json' },
    out: { type: 'string' },
    'trusted-out': { type: 'string' },
    envelope: { type: 'string' },
  },
});

const count = Number(values.count);
const proofType = values['proof-type'] as ProofType;
if (!Number.isInteger(count) || count < 1 || !PROOF_TYPES.includes(proofType) || !['json', 'ndjson'].includes(values.format!)) {
  console.error(`vc-issuer: --count is a positive integer, --proof-type one of ${PROOF_TYPES.join(', ')}, --format json or ndjson`);
  process.exit(2);
}
// The sandbox's identities.json is a list (or { identities }), as `startSandbox` writes it.
type StoredIdentity = IssuableIdentity & { status?: string; demoAuthLocked?: boolean };
let stored: StoredIdentity[];
try {
  const raw = JSON.parse(readFileSync(values.identities!, 'utf8')) as StoredIdentity[] | { identities: StoredIdentity[] };
  stored = Array.isArray(raw) ? raw : raw.identities;
} catch {
  console.error(`vc-issuer: cannot read identities from ${values.identities} (start the IDA sandbox first, or pass --identities)`);
  process.exit(2);
}
const all = stored.filter((i) => (i.status ?? 'ACTIVATED') === 'ACTIVATED' && !i.demoAuthLocked);
const issuer = createVcIssuer({ proofType });
const vcs = [];
for (const identity of all.slice(0, count)) vcs.push(await issuer.issue(identity, { idType: values.vid ? 'VID' : 'UIN' }));

const text = values.format === 'ndjson' ? vcs.map((vc) => JSON.stringify(vc)).join('\n') + '\n' : JSON.stringify(vcs, null, 2) + '\n';
if (values.out) writeFileSync(values.out, text);
else process.stdout.write(text);
const trusted = JSON.stringify([issuer.trustedIssuer], null, 2) + '\n';
if (values['trusted-out']) writeFileSync(values['trusted-out'], trusted);
if (values.envelope) {
  const body = {
    id: 'mosip.token.seeder',
    version: '1.1.0',
    metadata: '',
    requesttime: new Date().toISOString(),
    request: { output: 'json', deliverytype: 'download', lang: 'eng', vcs, vcconfig: { verifyProof: true, trustedIssuers: [issuer.trustedIssuer] } },
  };
  writeFileSync(values.envelope, JSON.stringify(body, null, 2) + '\n');
}
console.error(JSON.stringify({ msg: 'vc-issuer wrote VCs', count: vcs.length, proofType, format: values.format, out: values.out ?? 'stdout', trustedOut: values['trusted-out'] ?? null, envelope: values.envelope ?? null }));
