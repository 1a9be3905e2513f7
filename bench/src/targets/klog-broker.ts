import { fileURLToPath } from 'node:url';
import type { Client } from '@klog/client';
import type { FsyncPolicy } from '@klog/log-core';
import { AckWindow } from '../ack-window.js';
import { freePort } from '../free-port.js';
import { loadBroker } from '../klog-broker-api.js';
import { ServerProcess } from '../server-process.js';
import { cpuProfileArgs } from '../cpu-profile.js';
import { POLL_WAIT_MS, type Consumer, type FsyncClass, type Producer, type ProducerMode, type Target, type TargetInstance } from '../target.js';
import { tempDataDir } from '../temp-dir.js';
import type { Message } from '../workload.js';

/** klog broker in its own process, driven over loopback by the klog client in this process. */

const SERVER_ENTRY = fileURLToPath(new URL('../klog-broker-server.js', import.meta.url));
/** send() calls in flight; each is one chunk of records, so this bounds the producer's unacknowledged data. */
const SEND_WINDOW = 32;
/** Throughput keeps the client's defaults (5 ms linger, 512 KiB batches); latency sends at once. */
const PRODUCER: Record<ProducerMode, { lingerMs?: number }> = { throughput: {}, latency: { lingerMs: 0 } };

function klogBrokerTarget(setting: string, fsyncClass: FsyncClass, fsync: FsyncPolicy): Target {
  return {
    system: 'klog-broker',
    setting,
    fsyncClass,
    isKlog: true,
    client: 'klog client',
    // Several producer processes at the fastest setting only: the question is the broker's capacity.
    producerProcesses: fsyncClass === 'none',
    async unavailable() {
      return (await loadBroker()) ? null : 'klog-broker: not available (broker package not built)';
    },
    version: () => 'workspace',
    async start() {
      const broker = await loadBroker();
      if (!broker) throw new Error('@klog/broker does not export startBroker/createClient');
      const dir = tempDataDir('klog-broker');
      const port = await freePort();
      const server = await ServerProcess.start('klog-broker', process.execPath, [...cpuProfileArgs(), SERVER_ENTRY, dir.path, String(port), JSON.stringify(fsync)], port);
      const address = `127.0.0.1:${port}`;
      return new BrokerInstance(server, broker.createClient({ brokers: [address] }), address, dir.remove);
    },
  };
}

/**
 * The bench's producer over klog's client: a window of send() calls in flight. Shared with the producer
 * processes of the producers suite (producer-child.ts), so that both measure the same client use.
 */
export function klogProducer(client: Client, topic: string, mode: ProducerMode): Producer {
  // acks 1: acknowledged once the broker has written it, its fsync policy deciding the rest (as for the peers).
  const producer = client.producer({ ...PRODUCER[mode], acks: 1 });
  const window = new AckWindow(SEND_WINDOW);
  return {
    send: (messages: Message[]) => {
      window.add(producer.send({ topic, messages }));
      return window.room();
    },
    flush: async () => {
      await producer.flush();
      await window.drain();
    },
    close: () => producer.close(),
  };
}

class BrokerInstance implements TargetInstance {
  constructor(
    private readonly server: ServerProcess,
    private readonly client: Client,
    readonly address: string,
    private readonly removeDir: () => void,
  ) {}

  get pid(): number {
    return this.server.pid;
  }

  async createTopic(topic: string, partitions: number): Promise<void> {
    await this.client.admin().createTopic(topic, { partitions });
  }

  async producer(topic: string, mode: ProducerMode): Promise<Producer> {
    return klogProducer(this.client, topic, mode);
  }

  async consumer(topic: string, partitions: number): Promise<Consumer> {
    const consumer = this.client.consumer({ maxWaitMs: POLL_WAIT_MS, valueDeserializer: 'buffer' });
    consumer.assign(Array.from({ length: partitions }, (_, partition) => ({ topic, partition, offset: 0 })));
    return {
      poll: async () => {
        // A plain loop: flatMap's intermediate arrays cost the client about 0.1 CPU s per million records.
        const values: Buffer[] = [];
        for (const batch of await consumer.poll()) for (const m of batch) values.push(m.value as Buffer);
        return values;
      },
      close: () => consumer.close(),
    };
  }

  async stop(): Promise<void> {
    await this.client.close();
    await this.server.stop();
    this.removeDir();
  }
}

export const klogBrokerTargets: Target[] = [
  klogBrokerTarget('fsync-never', 'none', 'never'),
  klogBrokerTarget('fsync-1s', 'interval', { intervalMs: 1000 }),
];
