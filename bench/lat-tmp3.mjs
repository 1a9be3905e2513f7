import { klogBrokerTargets } from './dist/targets/klog-broker.js';
import { createClient } from '@klog/client';
const t = klogBrokerTargets.find((t) => t.setting === 'fsync-never');
await t.unavailable();
const srv = await t.start();
const c = createClient({ brokers: [srv.address] });
await c.admin().createTopic('a', { partitions: 1 });
for (const linger of [1, 0]) {
  const p = c.producer({ lingerMs: linger });
  await p.send({ topic: 'a', messages: [{ key: 'k', value: Buffer.alloc(50) }] });
  const lat = [];
  for (let i = 0; i < 200; i++) { const t0 = performance.now(); await p.send({ topic: 'a', messages: [{ key: 'k', value: Buffer.alloc(50) }] }); lat.push(performance.now() - t0); }
  lat.sort((a, b) => a - b);
  const t1 = performance.now();
  for (let i = 0; i < 200; i++) await c.admin().fetchOffsets('a', 'latest');
  console.log('linger', linger, 'send p50', lat[100].toFixed(2), 'p99', lat[198].toFixed(2), 'fetchOffsets avg', ((performance.now() - t1) / 200).toFixed(2));
  await p.close();
}
await c.close(); await srv.stop();
