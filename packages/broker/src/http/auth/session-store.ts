import { randomBytes } from 'node:crypto';

/** A console session ends after this long without a request (the console polls, so an open tab keeps it). */
export const SESSION_IDLE_MS = 30 * 60_000;
/** Beyond this many sessions, the longest idle is dropped first: logins cannot grow the map without bound. */
const MAX_SESSIONS = 10_000;

/**
 * The console's sessions, in memory only: an opaque random token (256 bits, nothing derived from the user or the
 * password) names a user until it has been idle SESSION_IDLE_MS or is logged out. A restart logs everyone out,
 * which is the safe side.
 */
export class SessionStore {
  private readonly sessions = new Map<string, { user: string; lastUsed: number }>();

  constructor(private readonly idleMs = SESSION_IDLE_MS, private readonly now: () => number = Date.now) {}

  create(user: string): string {
    const token = randomBytes(32).toString('base64url');
    this.sessions.set(token, { user, lastUsed: this.now() });
    if (this.sessions.size > MAX_SESSIONS) this.sessions.delete(this.sessions.keys().next().value!);
    return token;
  }

  /** The session's user, its idle clock restarted; null when the token is unknown or has expired. */
  touch(token: string): string | null {
    const s = this.sessions.get(token);
    if (s === undefined) return null;
    const t = this.now();
    this.sessions.delete(token); // re-inserted last: the map stays in order of last use
    if (t - s.lastUsed > this.idleMs) return null;
    s.lastUsed = t;
    this.sessions.set(token, s);
    return s.user;
  }

  delete(token: string): void {
    this.sessions.delete(token);
  }

  /** Ends every session of a user (removed from the store, say). */
  deleteUser(user: string): void {
    for (const [token, s] of this.sessions) if (s.user === user) this.sessions.delete(token);
  }
}
