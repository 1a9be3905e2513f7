/**
 * Parsing what the C clients of the capacity suite print. Kept apart from running them so that the parsing is
 * tested on captured output, without the tools installed.
 */

/**
 * User + system CPU seconds of the children of a shell, from the second line of its `times` builtin
 * ("0m1.230000s 0m0.450000s"); null when absent.
 */
export function childCpuSeconds(timesOutput: string): number | null {
  const lines = timesOutput.trim().split('\n').filter((l) => /^\d+m[\d.]+s \d+m[\d.]+s$/.test(l.trim()));
  const children = lines.at(-1);
  if (lines.length < 2 || children === undefined) return null;
  const [user, sys] = children.trim().split(' ').map(minutesSeconds);
  return user + sys;
}

function minutesSeconds(text: string): number {
  const m = /^(\d+)m([\d.]+)s$/.exec(text);
  return m ? Number(m[1]) * 60 + Number(m[2]) : Number.NaN;
}

/** Requests per second from `redis-benchmark --csv` output (the "rps" column of its one test); null when absent. */
export function redisBenchmarkRps(csv: string): number | null {
  const lines = csv.trim().split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const header = lines.findIndex((l) => l.startsWith('"test"'));
  if (header < 0 || header + 1 >= lines.length) return null;
  const columns = csvFields(lines[header]);
  const values = csvFields(lines[header + 1]);
  const rps = Number(values[columns.indexOf('rps')]);
  return Number.isFinite(rps) && rps > 0 ? rps : null;
}

function csvFields(line: string): string[] {
  return [...line.matchAll(/"((?:[^"]|"")*)"/g)].map((m) => m[1].replace(/""/g, '"'));
}
