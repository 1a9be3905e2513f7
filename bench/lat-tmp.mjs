import { measureLatency, measureThroughput } from './dist/tasks/measure.js';
import { klogBrokerTargets } from './dist/targets/klog-broker.js';
import { redisTargets } from './dist/targets/redis.js';
const which = process.argv[2] ?? 'klog';
const mode = process.argv[3] ?? 'lat';
const t = which === 'klog' ? klogBrokerTargets.find((t) => t.setting === 'fsync-never') : redisTargets.find((t) => t.setting === 'memory');
await t.unavailable();
const srv = await t.start();
let n = 0;
const setup = (p) => ({ system: which, address: srv.address, serverPid: srv.pid, queue: `q${n++}`, processes: p, concurrency: 16 });
try {
  for (let i = 0; i < Number(process.argv[4] ?? 1); i++) {
    if (mode === 'lat') console.log(JSON.stringify(await measureLatency(setup(1), 200, 2)));
    else console.log(JSON.stringify(await measureThroughput(setup(Number(process.argv[5] ?? 1)), Number(process.env.N ?? 1000))));
  }
} finally { await srv.stop(); }
