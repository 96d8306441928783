import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTempDir } from '@mts/testing';
import { demoIdentities, SANDBOX_FILES, SandboxError, startSandbox } from '../src/index.js';
import { clientFor } from './helpers.js';

describe('the data folder', () => {
  it('is generated on first start, with secrets 0600, and reused on the next', async () => {
    const dir = await createTempDir('ida-sandbox-dir-');
    try {
      const first = await startSandbox({ dataDir: dir.path, identityCount: 12, seed: 7 });
      const person = first.identities[0]!;
      const client1 = clientFor(first);
      const token1 = (await client1.authenticate({ individualId: person.uin, demographics: { dob: person.attributes.dateOfBirth! } })).authToken;
      await client1.close();
      await first.close();
      for (const f of [SANDBOX_FILES.partnerP12, SANDBOX_FILES.partnerP12Password, SANDBOX_FILES.partners, SANDBOX_FILES.salts, SANDBOX_FILES.idaPartnerKey]) {
        expect(statSync(join(dir.path, f)).mode & 0o777).toBe(0o600);
      }
      expect(JSON.parse(readFileSync(first.identitiesPath, 'utf8')).identities).toEqual(demoIdentities(7, 12));

      const second = await startSandbox({ dataDir: dir.path, identityCount: 50 });
      const client2 = clientFor(second);
      try {
        expect(second.partner).toEqual(first.partner);
        expect(second.identities).toHaveLength(12);
        const again = await client2.authenticate({ individualId: person.vids[0]!.vid, demographics: { dob: person.attributes.dateOfBirth! } });
        expect(token1).toMatch(/^\d{36}$/);
        expect(again.authToken).toBe(token1);
      } finally {
        await client2.close();
        await second.close();
      }
    } finally {
      await dir.remove();
    }
  });

  it('remembers used-up VID transactions across restarts', async () => {
    const dir = await createTempDir('ida-sandbox-vid-');
    try {
      const first = await startSandbox({ dataDir: dir.path, identityCount: 15 });
      const owner = first.identities.find((p) => p.status === 'ACTIVATED' && p.vids.some((v) => v.type === 'OneTimeUse'))!;
      const vid = owner.vids.find((v) => v.type === 'OneTimeUse')!.vid;
      const demographics = { dob: owner.attributes.dateOfBirth! };
      const c1 = clientFor(first);
      try {
        expect((await c1.authenticate({ individualId: vid, demographics })).authStatus).toBe(true);
      } finally {
        await c1.close();
        await first.close();
      }
      expect(JSON.parse(readFileSync(join(dir.path, SANDBOX_FILES.vidUsage), 'utf8'))).toEqual({ [vid]: 1 });

      const second = await startSandbox({ dataDir: dir.path });
      const c2 = clientFor(second);
      try {
        expect((await c2.authenticate({ individualId: vid, demographics })).authStatus).toBe(true);
        const third = await c2.authenticate({ individualId: vid, demographics });
        expect(third.errors.map((e) => e.errorCode)).toEqual(['IDA-MLC-018']);
      } finally {
        await c2.close();
        await second.close();
      }
    } finally {
      await dir.remove();
    }
  });

  it('names the file it cannot read, without its content', async () => {
    const dir = await createTempDir('ida-sandbox-bad-');
    try {
      const s = await startSandbox({ dataDir: dir.path, identityCount: 3 });
      await s.close();
      writeFileSync(join(dir.path, SANDBOX_FILES.partners), '{ not json');
      const err = await startSandbox({ dataDir: dir.path }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SandboxError);
      expect(err).toMatchObject({ code: 'SBX_BAD_FILE', retryable: false, message: expect.stringContaining('partners.json') });
      await expect(startSandbox({ dataDir: '' })).rejects.toMatchObject({ code: 'SBX_CONFIG' });
    } finally {
      await dir.remove();
    }
  });
});
