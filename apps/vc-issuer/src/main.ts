// Writes signed sample VCs for the IDA sandbox's demo identities:
//   node apps/vc-issuer/dist/main.js [--count 10] [--seed 1] [--identities identities.json]
//     [--proof-type RsaSignature2018|Ed25519Signature2020|JsonWebSignature2020] [--vid]
//     [--format json|ndjson] [--out vcs.json] [--trusted-out trusted-issuers.json] [--envelope vc-request.json]
// Without --identities, the identities are those a fresh sandbox with the same --seed holds (`demoIdentities`).
// --envelope writes a whole POST authtoken/vc body (vcs + vcconfig with verifyProof) for curl -d @file.
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEFAULT_IDENTITY_COUNT, demoIdentities } from '@mts/ida-sandbox';
import { PROOF_TYPES, type ProofType } from '@mts/vc';
import { createVcIssuer, type IssuableIdentity } from './lib/issuer.js';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '10' },
    seed: { type: 'string', default: '1' },
    identities: { type: 'string' },
    'proof-type': { type: 'string', default: 'RsaSignature2018' },
    vid: { type: 'boolean', default: false },
    format: { type: 'string', default: 'json' },
    out: { type: 'string' },
    'trusted-out': { type: 'string' },
    envelope: { type: 'string' },
  },
});

const count = Number(values.count);
const seed = Number(values.seed);
const proofType = values['proof-type'] as ProofType;
if (!Number.isInteger(count) || count < 1 || !Number.isInteger(seed) || !PROOF_TYPES.includes(proofType) || !['json', 'ndjson'].includes(values.format!)) {
  console.error(`vc-issuer: --count and --seed are positive integers, --proof-type one of ${PROOF_TYPES.join(', ')}, --format json or ndjson`);
  process.exit(2);
}
// The sandbox's identities.json is a list (or { identities }), as `startSandbox` writes it.
const readIdentities = (path: string): IssuableIdentity[] => {
  const raw = JSON.parse(readFileSync(path, 'utf8')) as IssuableIdentity[] | { identities: IssuableIdentity[] };
  return Array.isArray(raw) ? raw : raw.identities;
};
const all = values.identities ? readIdentities(values.identities) : demoIdentities(seed, Math.max(count, DEFAULT_IDENTITY_COUNT));
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
