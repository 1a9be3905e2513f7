/**
 * What TLS costs on the native listener, one run: the same broker (a child process, fsync never) in plaintext and
 * with TLS; one producer sends `--records` records (16 B key, 100 B value, acks 1), then one consumer reads them
 * from the start. Prints records/s for each phase. The certificate is made with openssl in a temporary directory.
 * Usage: node bench/dist/tls-overhead.js [--records N] (default 300,000)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient, type ClientOptions } from '@klog/client';
import { AckWindow } from './ack-window.js';
import { freePort } from './free-port.js';
import { ServerProcess } from './server-process.js';
import { tempDataDir } from './temp-dir.js';
import { MessageSource } from './workload.js';

const SERVER_ENTRY = fileURLToPath(new URL('./klog-broker-server.js', import.meta.url));
const CHUNK = 1_000;
const recordsFlag = process.argv.indexOf('--records');
const RECORDS = recordsFlag > 0 ? Number(process.argv[recordsFlag + 1]) : 300_000;

function makeCertificate(dir: string): { cert: string; key: string } {
  const cert = join(dir, 'broker.pem');
  const key = join(dir, 'broker.key');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert,
    '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  return { cert, key };
}

async function measure(label: string, env: Record<string, string>, tls: ClientOptions['tls']): Promise<{ label: string; produce: number; consume: number }> {
  const dir = tempDataDir(`klog-tls-${label}`);
  const port = await freePort();
  Object.assign(process.env, env);
  const server = await ServerProcess.start(`klog-broker ${label}`, process.execPath, [SERVER_ENTRY, dir.path, String(port), '"never"'], port);
  for (const name of Object.keys(env)) delete process.env[name];
  const client = createClient({ brokers: [`127.0.0.1:${port}`], tls });
  try {
    await client.admin().createTopic('bench', { partitions: 1 });
    const source = new MessageSource(16, 100);
    const producer = client.producer({ acks: 1 });
    const window = new AckWindow(32);
    let started = performance.now();
    for (let sent = 0; sent < RECORDS; sent += CHUNK) {
      window.add(producer.send({ topic: 'bench', messages: source.next(Math.min(CHUNK, RECORDS - sent)) }));
      await window.room();
    }
    await producer.flush();
    await window.drain();
    const produce = RECORDS / ((performance.now() - started) / 1000);
    await producer.close();

    const consumer = client.consumer({ maxWaitMs: 100, valueDeserializer: 'buffer' });
    consumer.assign([{ topic: 'bench', partition: 0, offset: 0 }]);
    started = performance.now();
    let read = 0;
    while (read < RECORDS) for (const batch of await consumer.poll()) read += batch.length;
    const consume = RECORDS / ((performance.now() - started) / 1000);
    await consumer.close();
    return { label, produce, consume };
  } finally {
    await client.close();
    await server.stop();
    dir.remove();
  }
}

const certDir = mkdtempSync(join(tmpdir(), 'klog-tls-bench-'));
try {
  const { cert, key } = makeCertificate(certDir);
  const rows = [
    await measure('plaintext', {}, undefined),
    await measure('tls', { KLOG_BENCH_TLS_CERT: cert, KLOG_BENCH_TLS_KEY: key }, { ca: readFileSync(cert) }),
  ];
  console.log(`native listener, ${RECORDS} records of 16 B key + 100 B value, one partition, fsync never`);
  for (const r of rows) console.log(`${r.label.padEnd(10)} produce ${Math.round(r.produce).toLocaleString('en')} rec/s   consume ${Math.round(r.consume).toLocaleString('en')} rec/s`);
} finally {
  rmSync(certDir, { recursive: true, force: true });
}
