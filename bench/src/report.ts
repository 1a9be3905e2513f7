import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Row } from './row.js';

/**
 * The systems other rows are compared with, in order of preference: the broker (a server, like the peers),
 * else the embedded store. Every other row is compared, klog-kafka (kafkajs on the broker's Kafka listener)
 * included: its ratio is what klog's own client gains over a stock Kafka client on the same broker.
 */
const BASIS_SYSTEMS = ['klog-broker', 'klog-embedded'];

/** The klog row `peer` is compared with, at the same fsync class, phase and partition count; none for a basis row. */
export function klogBasis(rows: Row[], peer: Row): Row | undefined {
  if (BASIS_SYSTEMS.includes(peer.system)) return undefined;
  const candidates = rows.filter(
    (r) => r.skipped === null && r.suite === peer.suite && r.phase === peer.phase && r.fsyncClass === peer.fsyncClass && r.partitions === peer.partitions,
  );
  for (const system of BASIS_SYSTEMS) {
    const basis = candidates.find((r) => r.system === system);
    if (basis !== undefined) return basis;
  }
  return undefined;
}

const fmt = (n: number, digits = 0): string =>
  Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : '—';
const ratio = (a: number | undefined, b: number | undefined): string =>
  a !== undefined && b !== undefined && b > 0 && Number.isFinite(a) ? `${fmt(a / b, 2)}×` : '—';

function sideBySideTable(rows: Row[]): string[] {
  const lines = [
    '| system | setting | fsync | phase | parts | records | rec/s | MB/s | p50 ms | p99 ms | p999 ms | peak RSS MB | server CPU s | client CPU s | klog÷peer rec/s | klog÷peer p99 | vs |',
    '|---|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|',
  ];
  for (const r of rows) {
    if (r.skipped !== null) {
      lines.push(`| ${r.system} | ${r.setting} | ${r.fsyncClass} | ${r.phase} | | | ${r.skipped} | | | | | | | | | | |`);
      continue;
    }
    const basis = klogBasis(rows, r);
    const latency = r.latencyMs;
    lines.push(
      `| ${r.system} | ${r.setting} | ${r.fsyncClass} | ${r.phase} | ${r.partitions} | ${fmt(r.records)} | ${fmt(r.recordsPerSec)} | ${fmt(r.mbPerSec, 1)} | ` +
        `${latency ? fmt(latency.p50, 2) : ''} | ${latency ? fmt(latency.p99, 2) : ''} | ${latency ? fmt(latency.p999, 2) : ''} | ` +
        `${fmt(r.peakRssMb)} | ${fmt(r.serverCpuSeconds, 1)} | ${fmt(r.clientCpuSeconds, 1)} | ` +
        `${basis && !latency ? ratio(basis.recordsPerSec, r.recordsPerSec) : ''} | ${basis && latency ? ratio(basis.latencyMs?.p99, latency.p99) : ''} | ` +
        `${basis ? `${basis.system}:${basis.setting}` : ''} |`,
    );
  }
  return lines;
}

function scaleTable(rows: Row[]): string[] {
  const lines = [
    '| system | setting | parts | value B | records | rec/s | MB/s | peak RSS MB | server CPU s | client CPU s |',
    '|---|---|--:|--:|--:|--:|--:|--:|--:|--:|',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.system} | ${r.setting} | ${r.partitions} | ${fmt(r.valueBytes)} | ${fmt(r.records)} | ${fmt(r.recordsPerSec)} | ${fmt(r.mbPerSec, 1)} | ` +
        `${fmt(r.peakRssMb)} | ${fmt(r.serverCpuSeconds, 1)} | ${fmt(r.clientCpuSeconds, 1)} |`,
    );
  }
  return lines;
}

export function markdownReport(rows: Row[], header: string[]): string {
  const sideBySide = rows.filter((r) => r.suite !== 'scale');
  const scale = rows.filter((r) => r.suite === 'scale' && r.skipped === null);
  const out = [...header, ''];
  if (sideBySide.length > 0) {
    out.push('### Side by side', '', ...sideBySideTable(sideBySide), '');
    out.push(
      'klog÷peer rec/s: klog throughput over the peer\'s (above 1 = klog faster). klog÷peer p99: klog\'s p99 latency over the peer\'s ' +
        '(below 1 = klog lower). "vs" names the klog row used: the broker at the same fsync class when measured, else embedded. ' +
        'klog-kafka (kafkajs on the broker\'s Kafka listener) is compared like a peer: its ratio is klog\'s own client over kafkajs.',
      'Peak RSS and server CPU are of the server process; for klog-embedded they are of this process, which also runs the client.',
      '',
    );
  }
  if (scale.length > 0) out.push('### klog scale (produce)', '', ...scaleTable(scale), '');
  return out.join('\n');
}

/** Writes <dir>/<prefix>-<timestamp>.json (bench/results is gitignored apart from its .gitkeep). */
export function writeJson(dir: string, prefix: string, startedAt: Date, body: object): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${prefix}-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(body, null, 2)}\n`);
  return file;
}
