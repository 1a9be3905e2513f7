import { readFileSync } from 'node:fs';

/**
 * Resource figures of a process from Linux's /proc, so a server process we spawned and this process
 * (embedded targets) are measured the same way.
 */

/** Kernel clock ticks per second for /proc/<pid>/stat times; 100 on every Linux we run on (USER_HZ). */
const CLOCK_TICKS = 100;

/** Resident set size in bytes (VmRSS), or null when the process is gone. */
export function rssBytes(pid: number): number | null {
  return statusField(pid, 'VmRSS');
}

/** Peak resident set size over the process's life (VmHWM), or null when the process is gone. */
export function peakRssBytes(pid: number): number | null {
  return statusField(pid, 'VmHWM');
}

function statusField(pid: number, field: string): number | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
  return match ? Number(match[1]) * 1024 : null;
}

/** User + system CPU seconds consumed so far, or null when the process is gone. */
export function cpuSeconds(pid: number): number | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) may contain spaces and parentheses: parse after its closing parenthesis.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // After the name, fields restart at 3 (state); utime and stime are fields 14 and 15.
  const utime = Number(fields[14 - 3]);
  const stime = Number(fields[15 - 3]);
  return (utime + stime) / CLOCK_TICKS;
}
