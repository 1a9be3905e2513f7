// Every call the console makes to the broker's JSON API goes through request(), so that two rules hold
// everywhere: mutations carry the X-Klog-Console header (the server's CSRF check: a cross-site form cannot set
// it), and an answer that is not 2xx becomes an ApiError carrying the server's { error: { code, message } },
// for the page to show, never to swallow.

/** Dispatched on window when the broker answers 401 AUTHENTICATION_REQUIRED: the console shows its login form. */
export const UNAUTHENTICATED_EVENT = 'klog:unauthenticated';

export class ApiError extends Error {
  /** @param {number} status HTTP status, 0 when the broker could not be reached @param {string} code @param {string} message */
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** @param {'GET'|'POST'} method @param {string} path @param {unknown} [body] */
async function request(method, path, body) {
  /** @type {RequestInit & { headers: Record<string, string> }} */
  const init = { method, headers: { Accept: 'application/json' } };
  if (method !== 'GET') {
    init.headers['Content-Type'] = 'application/json';
    init.headers['X-Klog-Console'] = '1';
    init.body = JSON.stringify(body ?? {});
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, 'UNREACHABLE', `The broker did not answer (${e instanceof Error ? e.message : String(e)}).`);
  }
  const text = await res.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: a proxy's error page, say; the text itself is shown below
  }
  if (!res.ok) {
    const err = json && json.error;
    if (res.status === 401 && err?.code === 'AUTHENTICATION_REQUIRED') dispatchEvent(new Event(UNAUTHENTICATED_EVENT));
    throw new ApiError(res.status, err?.code ?? `HTTP_${res.status}`, err?.message ?? (text.slice(0, 300) || res.statusText));
  }
  return json;
}

/** @param {string} path */
export const getJson = (path) => request('GET', path);
/** @param {string} path @param {unknown} body */
export const postJson = (path, body) => request('POST', path, body);

/** A path segment (topic name, group id) made safe for a URL. */
export const seg = encodeURIComponent;
