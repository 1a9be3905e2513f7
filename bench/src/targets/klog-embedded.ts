import type { FsyncPolicy, LogStore } from '@klog/log-core';
import { AckWindow } from '../ack-window.js';
import { POLL_WAIT_MS, type Consumer, type FsyncClass, type Producer, type ProducerMode, type Target, type TargetInstance } from '../target.js';
import { tempDataDir } from '../temp-dir.js';
import type { Message } from '../workload.js';

/** klog embedded: an in-process LogStore; the "server" measured is this process. */


/** Appends in flight: enough to keep the store busy while the next batch is built. */
const APPEND_WINDOW: Record<ProducerMode, number> = { throughput: 4, latency: 64 };
const READ_MAX_BYTES = 1024 * 1024;

/**
 * Loaded on use rather than imported statically, so that the peers can still be measured on a tree where
 * log-core does not build yet.
 */
async function loadLogStore(): Promise<typeof LogStore | null> {
  try {
    const mod = await import('@klog/log-core');
    return typeof mod.LogStore === 'function' ? mod.LogStore : null;
  } catch {
    return null;
  }
}

function klogEmbeddedTarget(setting: string, fsyncClass: FsyncClass, fsync: FsyncPolicy): Target {
  return {
    system: 'klog-embedded',
    setting,
    fsyncClass,
    isKlog: true,
    client: 'in-process',
    async unavailable() {
      return (await loadLogStore()) ? null : 'klog-embedded: not available (@klog/log-core not built or has no LogStore)';
    },
    version: () => 'workspace',
    async start() {
      const Store = await loadLogStore();
      if (!Store) throw new Error('@klog/log-core has no LogStore');
      const dir = tempDataDir('klog-embedded');
      return new EmbeddedInstance(await Store.open(dir.path, { fsync }), dir.remove);
    },
  };
}

class EmbeddedInstance implements TargetInstance {
  readonly pid = process.pid;

  constructor(private readonly store: LogStore, private readonly removeDir: () => void) {}

  async createTopic(topic: string, partitions: number): Promise<void> {
    await this.store.createTopic(topic, { partitions });
  }

  async producer(topic: string, mode: ProducerMode): Promise<Producer> {
    const window = new AckWindow(APPEND_WINDOW[mode]);
    return {
      // Records are spread over partitions by key (murmur2), as a Kafka producer would.
      send: (messages: Message[]) => {
        window.add(this.store.append(topic, messages));
        return window.room();
      },
      flush: () => window.drain(),
      close: async () => undefined,
    };
  }

  async consumer(topic: string, partitions: number): Promise<Consumer> {
    const store = this.store;
    const next = new Array<number>(partitions).fill(0);
    const readAvailable = async (): Promise<Buffer[]> => {
      const values: Buffer[] = [];
      for (let p = 0; p < partitions; p++) {
        if (next[p] >= store.logEndOffset(topic, p)) continue;
        const result = await store.read(topic, p, { offset: next[p], maxBytes: READ_MAX_BYTES });
        for (const r of result.records) if (r.value) values.push(r.value);
        next[p] = result.nextOffset;
      }
      return values;
    };
    return {
      async poll() {
        const values = await readAvailable();
        if (values.length > 0) return values;
        // Long-poll: wake on the first partition that gets a record past our position.
        const stop = new AbortController();
        const waits = next.map((offset, p) => store.waitForAppend(topic, p, offset, POLL_WAIT_MS, stop.signal).catch(() => undefined));
        await Promise.race(waits);
        stop.abort();
        return readAvailable();
      },
      close: async () => undefined,
    };
  }

  async stop(): Promise<void> {
    await this.store.close();
    this.removeDir();
  }
}

export const klogEmbeddedTargets: Target[] = [
  klogEmbeddedTarget('fsync-never', 'none', 'never'),
  klogEmbeddedTarget('fsync-1s', 'interval', { intervalMs: 1000 }),
];
