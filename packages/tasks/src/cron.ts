import { KlogError } from '@klog/log-core';

/**
 * Five-field cron (minute hour day-of-month month day-of-week), in UTC so that every process computes the same
 * ticks whatever its time zone. Each field: `*`, a number, a range `a-b`, a step `*\/n` or `a-b/n`, or a list of
 * these separated by commas. Day of week 0-7 (0 and 7 are Sunday). As in Vixie cron, when both day fields are
 * restricted a day matching either one runs.
 */
export interface CronSchedule {
  readonly source: string;
  readonly minutes: ReadonlySet<number>;
  readonly hours: ReadonlySet<number>;
  readonly daysOfMonth: ReadonlySet<number>;
  readonly months: ReadonlySet<number>;
  readonly daysOfWeek: ReadonlySet<number>;
  readonly anyDayOfMonth: boolean;
  readonly anyDayOfWeek: boolean;
}

const FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12 },
  { name: 'day of week', min: 0, max: 7 },
] as const;

export function parseCron(source: string): CronSchedule {
  const parts = source.trim().split(/\s+/);
  if (parts.length !== 5) throw invalid(source, `it has ${parts.length} field(s), cron needs 5: minute hour day-of-month month day-of-week`);
  const sets = parts.map((p, i) => parseField(source, p, FIELDS[i]!));
  const dow = new Set([...sets[4]!].map((d) => d % 7));
  return {
    source,
    minutes: sets[0]!,
    hours: sets[1]!,
    daysOfMonth: sets[2]!,
    months: sets[3]!,
    daysOfWeek: dow,
    anyDayOfMonth: parts[2] === '*',
    anyDayOfWeek: parts[4] === '*',
  };
}

function parseField(source: string, text: string, f: { name: string; min: number; max: number }): Set<number> {
  const out = new Set<number>();
  for (const item of text.split(',')) {
    const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(item);
    if (m === null) throw invalid(source, `${f.name} field ${JSON.stringify(item)} is not *, n, a-b, */n, a-b/n or a list of them`);
    const from = m[1] === '*' ? f.min : Number(m[2]);
    // "5/15" (a start with a step) runs from 5 to the end of the range, as in Vixie cron.
    const to = m[1] === '*' ? f.max : m[3] !== undefined ? Number(m[3]) : m[4] !== undefined ? f.max : from;
    const step = m[4] === undefined ? 1 : Number(m[4]);
    if (from < f.min || to > f.max || from > to) throw invalid(source, `${f.name} ${item} is outside ${f.min}-${f.max} (or runs backwards)`);
    if (step < 1) throw invalid(source, `${f.name} step must be at least 1 in ${item}`);
    for (let v = from; v <= to; v += step) out.add(v);
  }
  return out;
}

function invalid(source: string, why: string): KlogError {
  return new KlogError('INVALID_SCHEDULE', `cron ${JSON.stringify(source)}: ${why}`);
}

function dayMatches(c: CronSchedule, d: Date): boolean {
  const dom = c.daysOfMonth.has(d.getUTCDate());
  const dow = c.daysOfWeek.has(d.getUTCDay());
  if (c.anyDayOfMonth || c.anyDayOfWeek) return dom && dow;
  return dom || dow;
}

/** The first tick strictly after `afterMs` (epoch ms), or undefined if none comes within five years (e.g. 30 February). */
export function nextCronTick(c: CronSchedule, afterMs: number): number | undefined {
  const d = new Date(Math.floor(afterMs / 60_000) * 60_000 + 60_000);
  const limit = afterMs + 5 * 366 * 86_400_000;
  while (d.getTime() <= limit) {
    if (!c.months.has(d.getUTCMonth() + 1)) {
      d.setUTCMonth(d.getUTCMonth() + 1, 1);
      d.setUTCHours(0, 0, 0, 0);
      continue;
    }
    if (!dayMatches(c, d)) {
      d.setUTCDate(d.getUTCDate() + 1);
      d.setUTCHours(0, 0, 0, 0);
      continue;
    }
    if (!c.hours.has(d.getUTCHours())) {
      d.setUTCHours(d.getUTCHours() + 1, 0, 0, 0);
      continue;
    }
    if (!c.minutes.has(d.getUTCMinutes())) {
      d.setUTCMinutes(d.getUTCMinutes() + 1, 0, 0);
      continue;
    }
    return d.getTime();
  }
  return undefined;
}

/** Whether the minute starting at `ms` is a tick (for tests and for a person checking a schedule). */
export function cronMatches(c: CronSchedule, ms: number): boolean {
  const d = new Date(ms);
  return c.minutes.has(d.getUTCMinutes()) && c.hours.has(d.getUTCHours()) && c.months.has(d.getUTCMonth() + 1) && dayMatches(c, d);
}
