import { klogBrokerTargets } from './dist/targets/klog-broker.js';
import { TaskWorkerProcess } from './dist/tasks/worker-process.js';
import { createTasks } from '@klog/tasks';
const t = klogBrokerTargets.find((t) => t.setting === 'fsync-never');
await t.unavailable();
const srv = await t.start();
const now = () => performance.timeOrigin + performance.now();
const workers = await TaskWorkerProcess.startAll(Number(process.env.W ?? 1), { system: 'klog', address: srv.address, queue: 'x', concurrency: 16 });
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const tasks = createTasks({ brokers: [srv.address], app: 'x', logger: quiet });
const noop = tasks.define('noop', (_c, i) => 0);
const tr = tasks.transport; const orig = tr.append.bind(tr); const ap = {};
tr.append = async (topic, recs) => { const t0 = performance.now(); const r = await orig(topic, recs); (ap[topic] ??= []).push(performance.now() - t0); return r; };
process.on('exit', () => { for (const [k, v] of Object.entries(ap)) { v.sort((a, b) => a - b); console.log(k, 'n', v.length, 'p50', v[v.length >> 1].toFixed(1), 'p99', v[Math.floor(v.length * .99)].toFixed(1)); } });
if (process.env.W !== '0') await (await noop.delay(-1)).result(); else await noop.delay(-1);
const rows = []; const ps = [];
const withResult = process.argv[2] === 'r';
for (let i = 0; i < 400; i++) {
  const t0 = now();
  ps.push(noop.delay(i).then(async (h) => { const t1 = now(); if (process.env.W === '0') { rows.push([t1 - t0, 0]); return; } const s = withResult ? await h.result() : await new Promise((r) => setTimeout(r, 500)).then(() => h.result()); rows.push([t1 - t0, s - t0]); }));
  await new Promise((r) => setTimeout(r, 5));
}
await Promise.all(ps);
const q = (k, f) => rows.map((r) => r[k]).sort((a, b) => a - b)[Math.floor(rows.length * f)].toFixed(1);
console.log(withResult ? 'with result()' : 'result later', 'delay p50', q(0, .5), 'p99', q(0, .99), 'start p50', q(1, .5), 'p99', q(1, .99));
await tasks.close(); await Promise.all(workers.map((w) => w.stop())); await srv.stop();
