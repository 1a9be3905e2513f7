/**
 * What a SCRAM login costs a native client's connect: a broker without users, and one with a user (SCRAM-SHA-256,
 * the default 4,096 iterations); each time a new client connects, asks for the topic list (its first request,
 * which with SASL comes after the handshake and the two SCRAM round trips) and closes. Prints the median and p99
 * of `--connects` such connects (default 200) for each. The broker runs in this process, fsync never: the client
 * and the broker share one event loop, so the figures are the whole cost on one core.
 * Usage: node bench/dist/sasl-connect.js [--connects N]
 */
import { startBroker, type Broker } from '@klog/broker';
import { createClient, type ClientOptions } from '@klog/client';
import { tempDataDir } from './temp-dir.js';

const connectsFlag = process.argv.indexOf('--connects');
const CONNECTS = connectsFlag > 0 ? Number(process.argv[connectsFlag + 1]) : 200;
const PASSWORD = 'bench password, not a secret';

async function connects(broker: Broker, sasl: ClientOptions['sasl']): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < CONNECTS + 10; i++) {
    const started = performance.now();
    const client = createClient({ brokers: [`127.0.0.1:${broker.port}`], sasl });
    await client.admin().listTopics();
    await client.close();
    if (i >= 10) times.push(performance.now() - started); // the first ten warm the JIT up
  }
  return times.sort((a, b) => a - b);
}

const at = (sorted: number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];

async function measure(label: string, withUser: boolean): Promise<{ label: string; times: number[] }> {
  const dir = tempDataDir(`klog-sasl-${label}`);
  const broker = await startBroker({ dataDir: dir.path, host: '127.0.0.1', port: 0, fsync: 'never', logLevel: 'silent', superUsers: ['bench'] });
  try {
    if (withUser) {
      const anonymous = createClient({ brokers: [`127.0.0.1:${broker.port}`] });
      await anonymous.admin().addUser('bench', PASSWORD);
      await anonymous.close();
    }
    const sasl = withUser ? { mechanism: 'scram-sha-256', username: 'bench', password: PASSWORD } : undefined;
    return { label, times: await connects(broker, sasl) };
  } finally {
    await broker.close();
    dir.remove();
  }
}

const rows = [await measure('no sasl', false), await measure('scram-256', true)];
console.log(`native client connect + first request (listTopics) + close, ${CONNECTS} connects each, broker in-process`);
for (const r of rows) console.log(`${r.label.padEnd(10)} median ${at(r.times, 0.5).toFixed(2)} ms   p99 ${at(r.times, 0.99).toFixed(2)} ms`);
