import { klogBrokerTargets } from './dist/targets/klog-broker.js';
import { createClient } from '@klog/client';
const t = klogBrokerTargets.find((t) => t.setting === 'fsync-never');
await t.unavailable();
const srv = await t.start();
const c = createClient({ brokers: [srv.address] });
await c.admin().createTopic('a', { partitions: 1 });
await c.admin().createTopic('b', { partitions: 1 });
for (const linger of [1, 0, 1]) {
  const p = c.producer({ lingerMs: linger });
  await p.send({ topic: 'a', messages: [{ key: 'k', value: Buffer.alloc(50) }] });
  const lat = []; const ps = [];
  for (let i = 0; i < 400; i++) {
    const t0 = performance.now();
    ps.push(p.send({ topic: 'a', messages: [{ key: 'k', value: Buffer.alloc(50) }] }).then(() => p.send({ topic: 'b', messages: [{ key: 'k', value: Buffer.alloc(50) }] })).then(() => lat.push(performance.now() - t0)));
    await new Promise((r) => setTimeout(r, 5));
  }
  await Promise.all(ps);
  lat.sort((a, b) => a - b);
  console.log('linger', linger, 'two sends at 200/s p50', lat[200].toFixed(2), 'p99', lat[396].toFixed(2));
  await p.close();
}
await c.close(); await srv.stop();
