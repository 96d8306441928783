import { randomBytes } from 'node:crypto';
import type { StandinUser } from './types.js';

interface Session {
  user: StandinUser;
  expiresAt: number;
}

/** Bearer sessions, as POST /v1/sessions creates them and DELETE /v1/sessions/current ends them. */
export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly users: StandinUser[],
    private readonly ttlMs: number,
    private readonly now: () => Date,
  ) {}

  /** Logs in; undefined on bad credentials. */
  create(email: unknown, password: unknown): { createdAt: string; expiresAt: string; token: string } | undefined {
    const user = this.users.find((u) => u.email === email && u.password === password);
    if (!user) return undefined;
    const created = this.now();
    const token = randomBytes(48).toString('base64url'); // 64 characters, like Central's
    const expiresAt = created.getTime() + this.ttlMs;
    this.sessions.set(token, { user, expiresAt });
    return { createdAt: created.toISOString(), expiresAt: new Date(expiresAt).toISOString(), token };
  }

  /** The live session for a token, if any. */
  find(token: string): Session | undefined {
    const s = this.sessions.get(token);
    if (s && s.expiresAt <= this.now().getTime()) {
      this.sessions.delete(token);
      return undefined;
    }
    return s;
  }

  delete(token: string): boolean {
    return this.sessions.delete(token);
  }

  activeCount(): number {
    const now = this.now().getTime();
    let n = 0;
    for (const s of this.sessions.values()) if (s.expiresAt > now) n++;
    return n;
  }
}
