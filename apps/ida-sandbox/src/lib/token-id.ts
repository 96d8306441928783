import { createHash } from 'node:crypto';

/** The two TokenID secrets (`mosip.kernel.tokenid.uin.salt`, `…partnercode.salt`). */
export interface TokenSalts {
  uinSalt: string;
  partnerCodeSalt: string;
}

const TOKEN_LENGTH = 36;

function hexUpper(text: string, rounds: number): string {
  let out = text;
  for (let i = 0; i < rounds; i++) out = createHash('sha256').update(out, 'utf8').digest('hex').toUpperCase();
  return out;
}

/**
 * MOSIP's TokenID(x, code): two salted SHA-256 steps, the 64 ASCII bytes of the second hash read as a big-endian
 * integer, its first 36 decimal digits. `doubleHash` mimics KM 1.3.0, which hashes each step twice.
 * @example tokenId('2743580691', 'mpartner-default-auth', salts) // 36 digits
 */
export function tokenId(x: string, code: string, salts: TokenSalts, doubleHash = false): string {
  const rounds = doubleHash ? 2 : 1;
  const h1 = hexUpper(x + salts.uinSalt, rounds);
  const h2 = hexUpper(salts.partnerCodeSalt + code + h1, rounds);
  const asInteger = BigInt('0x' + Buffer.from(h2, 'ascii').toString('hex'));
  return asInteger.toString(10).slice(0, TOKEN_LENGTH);
}

/** How IDA derives the returned token from the policy's `authTokenType` (AuthFacadeImpl#getToken). */
export type AuthTokenType = 'partner' | 'policy' | 'random';

/**
 * The authToken for a person: ID-Repo's identityToken = TokenID(UIN, IDA's partner id), then TokenID of that
 * with the partner id (or policy id). The same for the UIN and every VID of the person.
 */
export function partnerAuthToken(input: {
  uin: string;
  idaPartnerId: string;
  partnerId: string;
  policyId: string;
  tokenType: AuthTokenType;
  salts: TokenSalts;
  doubleHash?: boolean;
  randomDigits: () => string;
  /**
   * Identity tokens already derived, by UIN. ID-Repo derives a person's identityToken once and stores it; a map kept
   * for one set of salts, IDA partner id and doubleHash setting plays that part.
   */
  identityTokens?: Map<string, string>;
}): string {
  if (input.tokenType === 'random') return input.randomDigits();
  const known = input.identityTokens;
  let identityToken = known?.get(input.uin);
  if (identityToken === undefined) {
    identityToken = tokenId(input.uin, input.idaPartnerId, input.salts, input.doubleHash);
    if (known) {
      if (known.size >= 100_000) known.clear();
      known.set(input.uin, identityToken);
    }
  }
  const code = input.tokenType === 'partner' ? input.partnerId : input.policyId;
  return tokenId(identityToken, code, input.salts, input.doubleHash);
}
