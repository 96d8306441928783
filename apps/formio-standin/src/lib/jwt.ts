import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

/** What a token says: who, which user form, when it expires, and its serial (for {@link JwtIssuer.expireAll}). */
export interface TokenClaims {
  user: { _id: string };
  form: { _id: string };
  iat: number;
  exp: number;
  /** Serial number of the token; all up to a cut-off can be expired at once. */
  n: number;
}

/** Why a token was refused, as Form.io's tokenHandler tells them apart (jsonwebtoken's error names). */
export type TokenProblem = 'JsonWebTokenError' | 'TokenExpiredError';

/** HS256 JWTs like Form.io's (jsonwebtoken), with a per-server secret. */
export class JwtIssuer {
  private readonly secret = randomBytes(32);
  private serial = 0;
  private expiredUpTo = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => Date,
  ) {}

  issue(user: { _id: string }, form: { _id: string }): string {
    const iat = Math.floor(this.now().getTime() / 1000);
    const claims: TokenClaims = { user, form, iat, exp: iat + Math.max(1, Math.ceil(this.ttlMs / 1000)), n: ++this.serial };
    const head = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims)}`;
    return `${head}.${this.sign(head)}`;
  }

  /** The claims of a valid token, or why it is not one. */
  verify(token: string): TokenClaims | TokenProblem {
    const parts = token.split('.');
    if (parts.length !== 3) return 'JsonWebTokenError';
    const expected = Buffer.from(this.sign(`${parts[0]}.${parts[1]}`));
    const given = Buffer.from(parts[2]!);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'JsonWebTokenError';
    let claims: TokenClaims;
    try {
      claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as TokenClaims;
    } catch {
      return 'JsonWebTokenError';
    }
    if (claims.exp * 1000 <= this.now().getTime() || claims.n <= this.expiredUpTo) return 'TokenExpiredError';
    return claims;
  }

  /** Every token issued so far counts as expired. */
  expireAll(): void {
    this.expiredUpTo = this.serial;
  }

  private sign(head: string): string {
    return createHmac('sha256', this.secret).update(head).digest('base64url');
  }
}
