// bench:api-keys — what an API key check costs (caller authentication, MTS_API_KEYS_FILE): scrypt of one hash
// (N=16384, r=8, p=1), the first check of a key against N entries (one scrypt per entry up to the match; the worst
// case is an unknown key), and a repeated check (answered from memory). One JSON line; never asserted in tests.
//   npm run bench:api-keys -- 10
import { createApiKeyVerifier, hashApiKey } from '@mts/api';
const n = Number(process.argv[2] ?? 10);
const ms = (t) => Math.round((performance.now() - t) * 10) / 10;
let t = performance.now();
const entries = [];
for (let i = 0; i < n; i++) entries.push({ caller: `caller-${i}`, hash: await hashApiKey(`bench-key-${i}-0000000000000000`) });
const hashMs = ms(t) / n;
const verify = createApiKeyVerifier(entries);
t = performance.now();
await verify('bench-key-unknown-00000000000000');
const unknownMs = ms(t);
await verify(`bench-key-${n - 1}-0000000000000000`);
t = performance.now();
for (let i = 0; i < 1000; i++) await verify(`bench-key-${n - 1}-0000000000000000`);
const cachedMs = ms(t) / 1000;
console.log(JSON.stringify({ entries: n, hashMs: Math.round(hashMs * 10) / 10, firstCheckUnknownKeyMs: unknownMs, repeatedCheckMs: cachedMs }));
