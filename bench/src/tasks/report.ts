import type { TasksResults } from './suite.js';

const NAMES = { klog: 'klog tasks', bullmq: 'BullMQ' } as const;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** "median [min–max]" with `digits` decimals. */
function spread(xs: number[], digits: number): string {
  const f = (x: number): string => x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return `${f(median(xs))} [${f(Math.min(...xs))}–${f(Math.max(...xs))}]`;
}

const cpuTotal = (c: { client: number; workers: number; server: number }): number => c.client + c.workers + c.server;

export function tasksMarkdown(r: TasksResults): string[] {
  const lines = [
    '| system | worker processes | tasks/s end to end | wall s | CPU s (client / workers / server) |',
    '|---|---|---|---|---|',
  ];
  for (const row of r.throughput) {
    const cpu = (k: 'client' | 'workers' | 'server'): string => median(row.runs.map((x) => x.cpu[k])).toFixed(1);
    lines.push(`| ${NAMES[row.system]} | ${row.processes} | ${spread(row.runs.map((x) => x.tasksPerSec), 0)} | ${spread(row.runs.map((x) => x.seconds), 1)} | `
      + `${median(row.runs.map((x) => cpuTotal(x.cpu))).toFixed(1)} (${cpu('client')} / ${cpu('workers')} / ${cpu('server')}) |`);
  }
  lines.push('', `Latency, delay → handler start, ${r.sizes.latencyRate} tasks/s for ${r.sizes.latencySeconds} s, one worker process:`, '',
    '| system | p50 ms | p99 ms | CPU s |', '|---|---|---|---|');
  for (const row of r.latency) {
    lines.push(`| ${NAMES[row.system]} | ${spread(row.runs.map((x) => x.p50), 2)} | ${spread(row.runs.map((x) => x.p99), 2)} | ${median(row.runs.map((x) => cpuTotal(x.cpu))).toFixed(1)} |`);
  }
  return lines;
}
