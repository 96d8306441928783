import { AuthenticatorError, type Authenticator } from '@mts/authenticator';
import type { RunningSandbox, SandboxIdentity, SandboxStats } from '../src/index.js';
import { verhoeffDigit } from '../src/lib/verhoeff.js';
import { clientFor, startTestSandbox } from './helpers.js';

let t: Awaited<ReturnType<typeof startTestSandbox>>;
let sandbox: RunningSandbox;
let client: Authenticator;
const eng = (value: string) => [{ language: 'eng', value }];
const fullDemo = (p: SandboxIdentity) => {
  const a = p.attributes;
  const address = [a.addressLine1, a.addressLine2, a.addressLine3, a.city, a.region, a.province]
    .map((l) => (l as { value: string }[])[0]!.value)
    .concat(a.postalCode as string)
    .join(', ');
  return {
    name: a.fullName,
    gender: a.gender,
    dob: a.dateOfBirth,
    phoneNumber: a.phone,
    emailId: a.email,
    fullAddress: eng(address),
  };
};

beforeAll(async () => {
  t = await startTestSandbox();
  sandbox = t.sandbox;
  client = clientFor(sandbox);
});
afterAll(async () => {
  await client.close();
  await t.stop();
});
beforeEach(() => sandbox.resetStats());

describe('through @mts/authenticator', () => {
  it('gives a matching record a token, the same by UIN and by VID', async () => {
    const p = sandbox.identities[0]!;
    const byUin = await client.authenticate({ individualId: p.uin, individualIdType: 'UIN', demographics: fullDemo(p) });
    const byVid = await client.authenticate({ individualId: p.vids[0]!.vid, demographics: fullDemo(p) });
    expect(byUin.authStatus).toBe(true);
    expect(byUin.errors).toEqual([]);
    expect(byUin.authToken).toMatch(/^\d{36}$/);
    expect(byVid.authToken).toBe(byUin.authToken);
    const other = sandbox.identities[1]!;
    const otherToken = await client.authenticate({ individualId: other.uin, demographics: fullDemo(other) });
    expect(otherToken.authToken).not.toBe(byUin.authToken);
  });

  it.each([
    ['name', { name: eng('Someone Else') }, 'Demographic data name in eng did not match'],
    ['gender', { gender: eng('Other') }, 'Demographic data gender in eng did not match'],
    ['dob', { dob: '1901/01/01' }, 'Demographic data dob did not match'],
    ['phoneNumber', { phoneNumber: '7000000000' }, 'Demographic data phoneNumber did not match'],
    ['emailId', { emailId: 'nobody@example.org' }, 'Demographic data emailId did not match'],
    ['fullAddress', { fullAddress: eng('1 Nowhere Lane') }, 'Demographic data fullAddress in eng did not match'],
  ])('reports a mismatching %s with IDA-DEA-001 and no token', async (_attr, change, message) => {
    const p = sandbox.identities[2]!;
    const r = await client.authenticate({ individualId: p.uin, demographics: { ...fullDemo(p), ...change } });
    expect(r.authStatus).toBe(false);
    expect(r.authToken ?? null).toBeNull();
    expect(r.errors.map((e) => [e.errorCode, e.errorMessage])).toEqual([['IDA-DEA-001', message]]);
  });

  it('rejects an unknown id, a used-up, expired or deactivated one, and locked demo auth', async () => {
    const people = sandbox.identities;
    const unknownVid = '234567890123456'; // valid once its Verhoeff digit is added; no demo VID looks like this
    const codes = async (individualId: string, p: SandboxIdentity) =>
      (await client.authenticate({ individualId, demographics: fullDemo(p) })).errors.map((e) => e.errorCode);
    expect(await codes(unknownVid + verhoeffDigit(unknownVid), people[0]!)).toEqual(['IDA-MLC-018']);

    const withOneTime = people.find((p) => p.vids.some((v) => v.type === 'OneTimeUse'))!;
    const oneTime = withOneTime.vids.find((v) => v.type === 'OneTimeUse')!.vid;
    expect(await codes(oneTime, withOneTime)).toEqual([]);
    expect(await codes(oneTime, withOneTime)).toEqual([]);
    expect(await codes(oneTime, withOneTime)).toEqual(['IDA-MLC-018']);

    const expiredOwner = people.find((p) => p.vids.some((v) => v.expiresAt !== null))!;
    expect(await codes(expiredOwner.vids.find((v) => v.expiresAt !== null)!.vid, expiredOwner)).toEqual(['IDA-MLC-023']);
    const locked = people.find((p) => p.demoAuthLocked)!;
    expect(await codes(locked.uin, locked)).toEqual(['IDA-MLC-019']);
    const deactivated = people.find((p) => p.status !== 'ACTIVATED')!;
    expect(await codes(deactivated.uin, deactivated)).toEqual(['IDA-MLC-022']);
  });

  it('retries a transient 5xx and then succeeds, with one processed IDA call', async () => {
    const p = sandbox.identities[3]!;
    sandbox.failNext(2, '5xx');
    const r = await client.authenticate({ individualId: p.uin, demographics: fullDemo(p) });
    expect(r.authStatus).toBe(true);
    const stats = sandbox.stats();
    expect(stats.requests).toBe(3);
    expect(stats.injectedFailures).toBe(2);
    expect(stats.authCallsByIndividualId).toEqual({ [p.uin]: 1 });
  });

  it('retries past a hung request once its timeout fires', async () => {
    const p = sandbox.identities[4]!;
    const quick = clientFor(sandbox, { timeoutMs: 300 });
    try {
      sandbox.failNext(1, 'hang');
      const r = await quick.authenticate({ individualId: p.uin, demographics: fullDemo(p) });
      expect(r.authStatus).toBe(true);
      expect(sandbox.stats().authCallsByIndividualId).toEqual({ [p.uin]: 1 });
    } finally {
      await quick.close();
    }
  });

  it('gives up with a retryable error when every attempt fails', async () => {
    const p = sandbox.identities[5]!;
    const brief = clientFor(sandbox, { maxRetries: 1 });
    try {
      sandbox.setSwitches({ failureRate: 1, failureMode: '5xx' });
      await expect(brief.authenticate({ individualId: p.uin, demographics: fullDemo(p) })).rejects.toMatchObject({
        code: 'AUT_BAS_001',
        retryable: true,
      });
      await expect(brief.authenticate({ individualId: p.uin, demographics: fullDemo(p) })).rejects.toBeInstanceOf(AuthenticatorError);
    } finally {
      sandbox.setSwitches({ failureRate: 0 });
      await brief.close();
    }
    expect(sandbox.stats().authCalls).toBe(0);
  });

  it('works on at most maxConcurrent requests at once and queues the rest, answering them all', async () => {
    const people = sandbox.identities.slice(10, 16);
    sandbox.resetStats();
    sandbox.setSwitches({ maxConcurrent: 2, latencyMs: 20 });
    const client = clientFor(sandbox, { maxRetries: 0, maxSockets: 8 });
    try {
      const results = await Promise.all(people.map((p) => client.authenticate({ individualId: p.uin, demographics: fullDemo(p) })));
      expect(results.map((r) => typeof r.authStatus)).toEqual(Array(6).fill('boolean')); // IDA answered each
    } finally {
      sandbox.setSwitches({ maxConcurrent: 0, latencyMs: 0 });
      await client.close();
    }
    const stats = sandbox.stats();
    expect(stats.peakConcurrent).toBe(2);
    expect(stats.peakQueued).toBeGreaterThan(0);
    expect(stats.authCalls).toBe(6);
    expect(stats.rateLimited + stats.injectedFailures).toBe(0);
    expect(() => sandbox.setSwitches({ maxConcurrent: 1.5 })).toThrow(/maxConcurrent must be a whole number/);
  });

  it('answers 429 above the rate cap, and serves its stats over HTTP', async () => {
    const p = sandbox.identities[6]!;
    sandbox.setSwitches({ maxRps: 1 });
    const quick = clientFor(sandbox, { maxRetries: 0 });
    try {
      const results = await Promise.allSettled(
        [0, 1, 2].map(() => quick.authenticate({ individualId: p.uin, demographics: fullDemo(p) })),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(results.filter((r) => r.status === 'rejected')).toHaveLength(2);
    } finally {
      sandbox.setSwitches({ maxRps: 0 });
      await quick.close();
    }
    const served = (await (await fetch(sandbox.url.replace(/\/idauthentication.*$/, '/sandbox/stats'))).json()) as SandboxStats;
    expect(served.rateLimited).toBe(2);
    expect(served.authCallsByIndividualId).toEqual({ [p.uin]: 1 });
  });
});

describe('through @mts/authenticator, as IDA 1.2.0.1 answers', () => {
  it('a record with no demographic value gets IDA-MLC-008, not MLC-013', async () => {
    const p = sandbox.identities[7]!;
    const r = await client.authenticate({ individualId: p.uin, demographics: { name: undefined, dob: undefined } });
    expect(r.authStatus).toBe(false);
    expect(r.errors.map((e) => `${e.errorCode} ${e.errorMessage}`)).toEqual(['IDA-MLC-008 No authentication type selected']);
  });

  it('a client clock 2 minutes slow gets one IDA-MLC-001, not two', async () => {
    const slow = clientFor(sandbox, { now: () => new Date(Date.now() - 120_000) });
    try {
      const p = sandbox.identities[7]!;
      const r = await slow.authenticate({ individualId: p.uin, demographics: { dob: p.attributes.dateOfBirth } });
      expect(r.errors.map((e) => e.errorCode)).toEqual(['IDA-MLC-001']);
    } finally {
      await slow.close();
    }
  });
});
