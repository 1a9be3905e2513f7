/**
 * Child-process entry: `workers` queue workers of one system, which connect, report ready, take and accept
 * records from `go` on, and report their counts every PROGRESS_MS. Usage: node worker-child.js <WorkerConfig JSON>.
 */
import { performance } from 'node:perf_hooks';
import { queuePeers } from './peers/registry.js';
import { peerSetting, type QueueWorker } from './queue-peer.js';
import type { FromWorker, ToWorker, WorkerConfig } from './worker-protocol.js';

const PROGRESS_MS = 50;

const config = JSON.parse(process.argv[2] ?? '{}') as WorkerConfig;
if (!process.send) throw new Error('worker-child runs as a forked child of the queue suite');
// If the benchmark dies, so do we.
process.once('disconnect', () => process.exit(1));
const send = (msg: FromWorker): void => {
  process.send?.(msg);
};

const peer = queuePeers.find((p) => p.target.system === config.system && peerSetting(p) === config.setting);
if (!peer) throw new Error(`no queue peer ${config.system}:${config.setting}`);

let delivered = 0;
let accepted = 0;
let lastAcceptedAt = 0;
let reported = -1;
const options = {
  concurrency: config.concurrency,
  hold: config.hold,
  onDelivered: () => void delivered++,
  onAccepted: () => {
    accepted++;
    lastAcceptedAt = performance.timeOrigin + performance.now();
  },
};

const workers: QueueWorker[] = [];
try {
  for (let i = 0; i < config.workers; i++) {
    workers.push(await peer.worker(config.address, config.queue, { ...options, name: `${process.pid}-${i}` }));
  }
} catch (err) {
  send({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
  process.exit(1);
}

const progress = setInterval(() => {
  if (delivered + accepted === reported) return;
  reported = delivered + accepted;
  send({ type: 'progress', delivered, accepted, lastAcceptedAt });
}, PROGRESS_MS);

process.on('message', (msg: ToWorker) => {
  if (msg.type === 'go') {
    for (const w of workers) w.start();
    return;
  }
  clearInterval(progress);
  void Promise.all(workers.map((w) => w.close())).finally(() => process.exit(0));
});
send({ type: 'ready' });
