// Hash routing: "#/topics/orders?partition=2" is the page and its query. A hash keeps the server to one static
// index.html (no fallback route) and makes every view a link an operator can paste into a ticket.
import { useEffect, useState } from './html.js';

/** @returns {{ parts: string[], query: URLSearchParams }} */
export function currentRoute() {
  const hash = location.hash.replace(/^#\/?/, '');
  const [path, search = ''] = hash.split('?');
  return { parts: path.split('/').filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(search) };
}

export function useRoute() {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const onChange = () => setRoute(currentRoute());
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

/** The href of a page: href('topics', name) is "#/topics/<name, escaped>". @param {...(string | number)} parts */
export function href(...parts) {
  return '#/' + parts.map((p) => encodeURIComponent(String(p))).join('/');
}
