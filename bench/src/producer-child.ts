/**
 * One producer process of the producers suite: connects klog's client to a broker, sends a warm-up, says READY,
 * waits for GO on stdin, sends its records as the side-by-side producer does, then prints `RESULT {"seconds","cpuSeconds"}` (its
 * own wall time and CPU from GO to the last acknowledgement) and exits.
 * Usage: node producer-child.js <host:port> <topic> <records> <keyBytes> <valueBytes>
 */
import { performance } from 'node:perf_hooks';
import { loadBroker } from './klog-broker-api.js';
import { PRODUCE_CHUNK } from './phases.js';
import { klogProducer } from './targets/klog-broker.js';
import { MessageSource } from './workload.js';

/** Records sent before READY, at most (and at most a tenth of the measured records). */
const WARMUP_RECORDS = 20_000;

const [address, topic, recordsText, keyBytesText, valueBytesText] = process.argv.slice(2);
const broker = await loadBroker();
if (!broker || address === undefined || topic === undefined || valueBytesText === undefined) {
  process.stderr.write('usage: producer-child <host:port> <topic> <records> <keyBytes> <valueBytes> (needs a built @klog/client)\n');
  process.exit(2);
}
const records = Number(recordsText);
const client = broker.createClient({ brokers: [address] });
const producer = klogProducer(client, topic, 'throughput');
const source = new MessageSource(Number(keyBytesText), Number(valueBytesText));
// The workload is generated before GO, so that none of it is timed.
const chunks = Array.from({ length: Math.ceil(records / PRODUCE_CHUNK) }, (_, i) => source.next(Math.min(PRODUCE_CHUNK, records - i * PRODUCE_CHUNK)));

// Unmeasured warm-up: connection, metadata and the JIT. The in-process producer of the throughput phase runs in a
// process that is already warm; a fresh process timed from its first record would be measuring its own start.
const warmup = Math.min(WARMUP_RECORDS, Math.ceil(records / 10));
for (let sent = 0; sent < warmup; sent += PRODUCE_CHUNK) await producer.send(source.next(Math.min(PRODUCE_CHUNK, warmup - sent)));
await producer.flush();

await new Promise<void>((resolve) => {
  let input = '';
  process.stdin.on('data', (chunk: Buffer) => {
    input += chunk.toString();
    if (input.includes('GO\n')) resolve();
  });
  process.stdout.write('READY\n');
});
const cpu0 = process.cpuUsage();
const t0 = performance.now();
for (const chunk of chunks) await producer.send(chunk);
await producer.flush();
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
process.stdout.write(`RESULT ${JSON.stringify({ seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 })}\n`);
await producer.close();
await client.close();
process.exit(0);
