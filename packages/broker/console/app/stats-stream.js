// The tab's one EventSource on /api/v1/events. Browsers allow six HTTP/1.1 connections per host across all
// tabs, so pages share this stream instead of opening their own; it opens with the first subscriber and stays
// open for the tab's life, so the rate and lag histories keep growing while the operator looks at other pages.
import { LagHistory } from './lag-history.js';
import { RateHistory } from './rates.js';

const HISTORY_SECONDS = 600;
/** Lag is read over minutes, not the rate charts' ten: five of them at one sample a second. */
const LAG_HISTORY_SECONDS = 300;

/** @type {EventSource | null} */
let source = null;
const history = new RateHistory(HISTORY_SECONDS);
const lagHistory = new LagHistory(LAG_HISTORY_SECONDS);
/** @type {import('./rates.js').StatsSample | null} */
let latest = null;
let connected = false;
/** @type {Set<() => void>} */
const listeners = new Set();

function notify() {
  for (const l of listeners) l();
}

function open() {
  source = new EventSource('/api/v1/events');
  attach(source);
  addEventListener('pagehide', () => source?.close());
}

/** @param {EventSource} source */
function attach(source) {
  source.addEventListener('stats', (e) => {
    latest = JSON.parse(/** @type {MessageEvent} */ (e).data);
    history.push(/** @type {any} */ (latest));
    connected = true;
    notify();
  });
  source.addEventListener('groups', (e) => {
    lagHistory.push(JSON.parse(/** @type {MessageEvent} */ (e).data));
    notify();
  });
  // EventSource reconnects by itself; the page only needs to say that the numbers are stale meanwhile
  source.addEventListener('error', () => {
    connected = false;
    notify();
  });
}

/** Opens the stream afresh (after a login: a stream the broker refused with 401 is not retried by the browser). */
export function reopenStats() {
  if (!source) return;
  source.close();
  source = new EventSource('/api/v1/events');
  attach(source);
}

/** @param {() => void} listener @returns {() => void} unsubscribe */
export function subscribeStats(listener) {
  if (!source) open();
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function statsSnapshot() {
  return { latest, connected, columns: history.columns() };
}

/** The group's lag samples so far in this tab. @param {string} groupId */
export function groupLagSnapshot(groupId) {
  return { connected, ...lagHistory.columns(groupId) };
}
