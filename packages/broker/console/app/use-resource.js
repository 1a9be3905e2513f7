// A GET that a page shows: its data, the error if it failed, and a reload() for after a mutation; optionally
// reloaded every `refreshMs` for figures that move (uptime, connections).
import { useCallback, useEffect, useState } from './html.js';
import { getJson } from './api.js';

/** @param {string | null} path null: nothing to load yet @param {number} [refreshMs] */
export function useResource(path, refreshMs) {
  const [state, setState] = useState(/** @type {{ data: any, error: any, loading: boolean }} */ ({ data: null, error: null, loading: path !== null }));
  const load = useCallback(() => {
    if (path === null) return;
    setState((s) => ({ ...s, loading: true }));
    getJson(path).then(
      (data) => setState({ data, error: null, loading: false }),
      // keep the last good data on screen beside the error: an operator still wants to read it
      (error) => setState((s) => ({ data: s.data, error, loading: false })),
    );
  }, [path]);
  useEffect(() => {
    load();
    if (!refreshMs) return;
    const timer = setInterval(load, refreshMs);
    return () => clearInterval(timer);
  }, [load, refreshMs]);
  return { ...state, reload: load };
}
