/**
 * Child-process entry that runs a klog broker, so that the broker's RSS and CPU are measured apart from the
 * benchmark's client, as for the peers' servers.
 * Usage: node klog-broker-server.js <dataDir> <port> <fsync JSON> [kafkaPort] — with kafkaPort, the broker also
 * serves the Kafka protocol there (for Kafka clients such as kafkajs). With KLOG_BENCH_TLS_CERT and
 * KLOG_BENCH_TLS_KEY (PEM files) in the environment, every listener speaks TLS (bench/src/tls-overhead.ts).
 */
import { readFileSync } from 'node:fs';
import type { FsyncPolicy } from '@klog/log-core';
import { loadBroker } from './klog-broker-api.js';

const [dataDir, port, fsyncJson, kafkaPort] = process.argv.slice(2);
const broker = await loadBroker();
if (!broker || dataDir === undefined || port === undefined || fsyncJson === undefined) {
  process.stderr.write('usage: klog-broker-server <dataDir> <port> <fsync JSON> [kafkaPort] (needs a built @klog/broker)\n');
  process.exit(2);
}
const handle = await broker.startBroker({
  dataDir,
  host: '127.0.0.1',
  port: Number(port),
  fsync: JSON.parse(fsyncJson) as FsyncPolicy,
  logLevel: 'warn',
  ...(kafkaPort === undefined ? {} : { kafkaPort: Number(kafkaPort) }),
  ...(process.env.KLOG_BENCH_TLS_CERT && process.env.KLOG_BENCH_TLS_KEY
    ? { tls: { cert: readFileSync(process.env.KLOG_BENCH_TLS_CERT), key: readFileSync(process.env.KLOG_BENCH_TLS_KEY) } }
    : {}),
});
process.once('SIGTERM', () => {
  void handle.close().then(() => process.exit(0));
});
