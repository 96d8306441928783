import { demoIdentities } from './demo-identities.js';
import { isValidUin, isValidVid, passesIdFilters } from './id-rules.js';

describe('demoIdentities', () => {
  it('is deterministic per seed and differs across seeds', () => {
    expect(demoIdentities(5, 12)).toEqual(demoIdentities(5, 12));
    expect(demoIdentities(6, 12)[0]!.uin).not.toBe(demoIdentities(5, 12)[0]!.uin);
    // A smaller store is a prefix of a larger one, except for the special last entries.
    expect(demoIdentities(5, 30)[0]).toEqual(demoIdentities(5, 12)[0]);
  });

  it('gives valid, filtered, unique UINs and VIDs', () => {
    const people = demoIdentities(1, 50);
    const ids = people.flatMap((p) => [p.uin, ...p.vids.map((v) => v.vid)]);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of people) {
      expect(isValidUin(p.uin) && passesIdFilters(p.uin, 'UIN')).toBe(true);
      for (const v of p.vids) expect(isValidVid(v.vid) && passesIdFilters(v.vid, 'VID')).toBe(true);
    }
  });

  it('includes the special cases at the end of the store', () => {
    const people = demoIdentities(1, 20);
    expect(people[19]!.status).toBe('DEACTIVATED');
    expect(people[18]!.demoAuthLocked).toBe(true);
    expect(people[17]!.vids.some((v) => v.type === 'Temporary' && v.expiresAt !== null)).toBe(true);
    expect(people[9]!.vids.some((v) => v.type === 'OneTimeUse' && v.transactionsLeft === 2)).toBe(true);
    expect(people[0]!.attributes.dateOfBirth).toMatch(/^\d{4}\/\d{2}\/\d{2}$/);
  });
});
