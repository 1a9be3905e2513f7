// Who the console is logged in as. The broker says (GET /api/v1/session) whether it asks for a login at all: a
// broker without users does not, and the console then works as it always has. Any API answer of 401 puts the
// login form back (a session idles out after 30 minutes, or the broker restarted and forgot it).
import { useCallback, useEffect, useState } from './html.js';
import { getJson, postJson, UNAUTHENTICATED_EVENT } from './api.js';
import { reopenStats } from './stats-stream.js';

/** @typedef {{ authenticationRequired: boolean, user: string | null, readOnly: boolean }} Session */

export function useSession() {
  const [session, setSession] = useState(/** @type {Session | null} */ (null));
  const [error, setError] = useState(/** @type {any} */ (null));
  const load = useCallback(() => {
    getJson('/api/v1/session').then((s) => {
      setSession(s);
      setError(null);
    }, setError);
  }, []);
  useEffect(() => {
    load();
    const onUnauthenticated = () => setSession((s) => (s ? { ...s, user: null } : s));
    addEventListener(UNAUTHENTICATED_EVENT, onUnauthenticated);
    return () => removeEventListener(UNAUTHENTICATED_EVENT, onUnauthenticated);
  }, [load]);

  /** @param {string} username @param {string} password */
  const login = useCallback(async (username, password) => {
    const { user } = await postJson('/api/v1/login', { username, password });
    setSession((s) => (s ? { ...s, user } : s));
    reopenStats(); // a stream refused while logged out does not come back by itself
  }, []);

  const logout = useCallback(async () => {
    await postJson('/api/v1/logout', {});
    // a clean slate: no page of the previous user stays in memory, no stream stays open
    location.reload();
  }, []);

  return { session, error, retry: load, login, logout };
}
