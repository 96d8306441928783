import { createHash } from 'node:crypto';
import { partnerAuthToken, tokenId } from './token-id.js';

const salts = { uinSalt: 'uin-salt-1', partnerCodeSalt: 'pc-salt-1' };
const up = (s: string) => createHash('sha256').update(s).digest('hex').toUpperCase();

describe('tokenId', () => {
  it('follows the two-step salted construction', () => {
    const h1 = up('2743580691' + salts.uinSalt);
    const h2 = up(salts.partnerCodeSalt + 'partner-x' + h1);
    // 64 ASCII bytes read big-endian: sum of byte * 256^k, computed digit by digit here.
    let n = 0n;
    for (const ch of h2) n = n * 256n + BigInt(ch.charCodeAt(0));
    expect(tokenId('2743580691', 'partner-x', salts)).toBe(n.toString().slice(0, 36));
  });

  it('gives 36 digits that depend on the id, the code and the salts', () => {
    const t = tokenId('2743580691', 'partner-x', salts);
    expect(t).toMatch(/^\d{36}$/);
    expect(tokenId('2743580692', 'partner-x', salts)).not.toBe(t);
    expect(tokenId('2743580691', 'partner-y', salts)).not.toBe(t);
    expect(tokenId('2743580691', 'partner-x', { ...salts, uinSalt: 'other' })).not.toBe(t);
    expect(tokenId('2743580691', 'partner-x', salts, true)).not.toBe(t);
  });
});

describe('partnerAuthToken', () => {
  const base = {
    uin: '2743580691', idaPartnerId: 'mpartner-default-auth', partnerId: 'p1', policyId: 'pol1', salts,
    randomDigits: () => '1'.repeat(36),
  };
  it('is TokenID(TokenID(uin, idaPartner), partner) for the partner type', () => {
    const expected = tokenId(tokenId(base.uin, base.idaPartnerId, salts), 'p1', salts);
    expect(partnerAuthToken({ ...base, tokenType: 'partner' })).toBe(expected);
    expect(partnerAuthToken({ ...base, tokenType: 'policy' })).toBe(tokenId(tokenId(base.uin, base.idaPartnerId, salts), 'pol1', salts));
    expect(partnerAuthToken({ ...base, tokenType: 'random' })).toBe('1'.repeat(36));
  });

  it('gives the same tokens when identity tokens are remembered, and remembers one per UIN', () => {
    const identityTokens = new Map<string, string>();
    for (const uin of ['2743580691', '5837290146', '2743580691']) {
      const plain = partnerAuthToken({ ...base, uin, tokenType: 'partner' });
      expect(partnerAuthToken({ ...base, uin, tokenType: 'partner', identityTokens })).toBe(plain);
      expect(partnerAuthToken({ ...base, uin, tokenType: 'policy', identityTokens })).toBe(partnerAuthToken({ ...base, uin, tokenType: 'policy' }));
    }
    expect([...identityTokens.keys()]).toEqual(['2743580691', '5837290146']);
    expect(identityTokens.get('5837290146')).toBe(tokenId('5837290146', base.idaPartnerId, salts));
  });
});
