import { sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadPkcs12 } from '@mts/crypto';
import { startSandbox, type RunningSandbox } from '../src/index.js';
import { startTestSandbox } from './helpers.js';
import { codesOf, sendRaw } from './raw-request.js';

// MTS (jwcrypto) puts base64 of the PEM text, wrapped every 76 characters, into x5c[0]: KM 1.2.x reads it, 1.3.0 not.
function mtsStyleSigner(sandbox: RunningSandbox) {
  const { privateKey, certificate } = loadPkcs12(readFileSync(sandbox.partner.p12Path), sandbox.partner.p12Password);
  const x5c = Buffer.from(certificate.toString()).toString('base64').replace(/(.{76})/g, '$1\n');
  const header = Buffer.from(JSON.stringify({ alg: 'RS256', x5c: [x5c] })).toString('base64url');
  return (body: string) => `${header}..${sign('sha256', Buffer.from(`${header}.${Buffer.from(body).toString('base64url')}`), privateKey).toString('base64url')}`;
}

let t: Awaited<ReturnType<typeof startTestSandbox>>;
beforeAll(async () => {
  t = await startTestSandbox({ identityCount: 3 });
});
afterAll(() => t.stop());

it('accepts MTS’s PEM-in-x5c signature by default (KM 1.2.x) and rejects it in strict mode (KM 1.3.0)', async () => {
  const lenient = t.sandbox;
  const person = lenient.identities[0]!;
  const request = (s: RunningSandbox) => {
    const signWith = mtsStyleSigner(s);
    return sendRaw(s, { individualId: person.uin, demographics: { dob: person.attributes.dateOfBirth }, signer: signWith });
  };
  expect((await request(lenient)).json.response.authStatus).toBe(true);
  await lenient.close();

  const strict = await startSandbox({ dataDir: t.dir.path, settings: { x5cMode: 'strict' } });
  try {
    expect(codesOf(await request(strict))).toEqual(['IDA-MLC-007', 'IDA-MPA-001']);
    // The RFC 7515 form our client sends passes both.
    expect((await sendRaw(strict, { individualId: person.uin, demographics: { dob: person.attributes.dateOfBirth } })).json.response.authStatus).toBe(true);
  } finally {
    await strict.close();
  }
});

it('hashes TokenID twice when told to (KM 1.3.0), giving other tokens', async () => {
  const person = t.sandbox.identities[1]!;
  const send = (s: RunningSandbox) => sendRaw(s, { individualId: person.uin, demographics: { dob: person.attributes.dateOfBirth } });
  const single = await startSandbox({ dataDir: t.dir.path });
  const double = await startSandbox({ dataDir: t.dir.path, settings: { tokenIdDoubleHash: true } });
  try {
    const [a, b] = [(await send(single)).json.response.authToken, (await send(double)).json.response.authToken];
    expect(a).toMatch(/^\d{36}$/);
    expect(b).toMatch(/^\d{36}$/);
    expect(b).not.toBe(a);
  } finally {
    await single.close();
    await double.close();
  }
});
