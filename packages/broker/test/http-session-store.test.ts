// The console's sessions: a token names its user until it idles out (each use restarts the clock) or is deleted;
// tokens are opaque and never repeat.
import { describe, expect, it } from 'vitest';
import { SessionStore } from '../src/http/auth/session-store.js';

describe('SessionStore', () => {
  it('keeps a used session, ends an idle one, and forgets deleted ones and a removed user\'s', () => {
    let now = 0;
    const sessions = new SessionStore(1_000, () => now);
    const a = sessions.create('alice');
    const b = sessions.create('alice');
    const c = sessions.create('bob');
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(new Set([a, b, c]).size).toBe(3);
    now = 900;
    expect(sessions.touch(a)).toBe('alice'); // restarts a's clock
    now = 1_800;
    expect(sessions.touch(a)).toBe('alice');
    expect(sessions.touch(b)).toBeNull(); // idle 1,800 ms
    expect(sessions.touch(b)).toBeNull();
    sessions.delete(a);
    expect(sessions.touch(a)).toBeNull();
    const d = sessions.create('alice');
    sessions.deleteUser('alice');
    expect(sessions.touch(d)).toBeNull();
    expect(sessions.touch('not a token')).toBeNull();
  });
});
