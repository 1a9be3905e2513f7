import { HOLD_AS_PEERS_SETTING, klogQueue } from './peers/klog.js';
import { SETTLE_MS } from './redelivery.js';
import type { QueueResults } from './suite.js';

/** The row every other queue row is compared with: klog at its defaults. */
const BASIS = 'klog-broker';
const BASIS_SETTING = klogQueue.setting ?? klogQueue.target.setting;

const fmt = (n: number, digits = 0): string =>
  Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : '—';

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function queueMarkdown(results: QueueResults): string[] {
  const out = [
    '### Queues: accepted records per second',
    '',
    '| system | setting | workers | processes | holds each | records | accepted/s | s | server CPU s | worker CPU s | klog÷peer | klog hold as peers÷peer |',
    '|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
  ];
  for (const r of results.throughput) {
    if (r.skipped !== null) {
      out.push(`| ${r.system} | ${r.setting} | ${r.workers} | ${r.processes} | ${r.holds ?? r.concurrency} | | ${r.skipped} | | | | | |`);
      continue;
    }
    const ratio = (setting: string): string => {
      const basis = results.throughput.find((b) => b.system === BASIS && b.setting === setting && b.workers === r.workers && b.skipped === null);
      return basis && r.system !== BASIS ? `${fmt(basis.acceptedPerSec / r.acceptedPerSec, 2)}×` : '';
    };
    out.push(
      `| ${r.system} | ${r.setting} | ${r.workers} | ${r.processes} | ${r.holds ?? r.concurrency} | ${fmt(r.records)} | ${fmt(r.acceptedPerSec)} | ` +
        `${fmt(r.seconds, 2)} | ${fmt(r.serverCpuSeconds, 1)} | ${fmt(r.workerCpuSeconds, 1)} | ${ratio(BASIS_SETTING)} | ${ratio(HOLD_AS_PEERS_SETTING)} |`,
    );
  }
  out.push(
    '',
    'Records were produced before the workers started (one producer, not timed here); accepted/s runs from the workers\' start ' +
      'to the last acceptance. klog÷peer: klog\'s accepted/s at its defaults (setting fsync-1s) over the peer\'s at the same worker count (above 1 = klog faster). ' +
      'holds each: records a worker holds at most, handled and fetched ahead; klog\'s run() fetches ahead up to 256 records more ' +
      'than its handlers hold while they keep up (prefetch "auto"); the klog row "fsync-1s, hold as peers" holds no more than the peers.',
    '',
    '### Queues: redelivery after the holder fails',
    '',
    '| system | setting | holder | lock ms | median ms | trials ms |',
    '|---|---|---|--:|--:|---|',
  );
  for (const r of results.redelivery) {
    const holder = r.fate === 'kill' ? 'kill -9' : 'SIGSTOP (hung)';
    if (r.skipped !== null) {
      out.push(`| ${r.system} | ${r.setting} | ${holder} | | | ${r.skipped} |`);
      continue;
    }
    out.push(`| ${r.system} | ${r.setting} | ${holder} | ${fmt(r.lockMs)} | ${fmt(median(r.samplesMs))} | ${r.samplesMs.map((ms) => fmt(ms)).join(', ')} |`);
  }
  out.push(
    '',
    'From the signal to the holder until its record reaches another waiting worker. The lock (NATS: ack_wait) started when the ' +
      `holder received the record, ${SETTLE_MS / 1000} s or a little more before the signal. RabbitMQ has no lock; it takes records back when the connection closes.`,
    '',
  );
  return out;
}
