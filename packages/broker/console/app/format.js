// How numbers, sizes, durations and instants read in the console. en-US grouping ("1,234") everywhere, so that
// a number on screen is the same number in a test, a screenshot and a bug report, whatever the browser's locale.

const counts = new Intl.NumberFormat('en-US');
const decimals = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

/** @param {number | null | undefined} n */
export function count(n) {
  return n === null || n === undefined ? '–' : counts.format(n);
}

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
/** Decimal units (1 KB = 1,000 B), as disks and network rates are sold. @param {number | null | undefined} n */
export function bytes(n) {
  if (n === null || n === undefined) return '–';
  let i = 0;
  while (Math.abs(n) >= 1000 && i < UNITS.length - 1) {
    n /= 1000;
    i++;
  }
  return `${i === 0 ? counts.format(n) : decimals.format(n)} ${UNITS[i]}`;
}

/** "3 d 4 h", "5 min 2 s", "800 ms": the two largest units, enough to read at a glance. @param {number | null | undefined} ms */
export function duration(ms) {
  if (ms === null || ms === undefined) return '–';
  if (ms < 1000) return `${counts.format(Math.round(ms))} ms`;
  const parts = [];
  let s = Math.floor(ms / 1000);
  for (const [unit, size] of /** @type {[string, number][]} */ ([['d', 86400], ['h', 3600], ['min', 60], ['s', 1]])) {
    const n = Math.floor(s / size);
    s -= n * size;
    if (n > 0 || parts.length > 0) parts.push(`${n} ${unit}`);
  }
  return parts.slice(0, 2).filter((p) => !p.startsWith('0 ')).join(' ') || '0 s';
}

/** Retention: null or negative means "kept forever". @param {number | null | undefined} ms */
export function retention(ms) {
  return ms === null || ms === undefined || ms < 0 ? 'forever' : duration(ms);
}

/** An instant as local "2026-11-30 06:12:03.042", sortable and exact to the millisecond. @param {number} ms */
export function instant(ms) {
  const d = new Date(ms);
  const p = (n, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

/**
 * Reads what an operator types for a timestamp: epoch milliseconds, or a date-time ("2026-11-30 06:12:03",
 * local time unless it names a zone). Returns null when it is neither.
 * @param {string} text
 */
export function parseInstant(text) {
  const t = text.trim();
  if (/^\d+$/.test(t)) return Number(t);
  const ms = Date.parse(t.includes('T') ? t : t.replace(' ', 'T'));
  return Number.isNaN(ms) ? null : ms;
}
