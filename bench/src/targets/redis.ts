import { Redis } from 'ioredis';
import { AckWindow } from '../ack-window.js';
import { redisBenchmarkClient, type CapacityClient } from '../capacity-clients.js';
import { ensureBinary, serverVersion } from '../ensure-binary.js';
import { freePort } from '../free-port.js';
import { ServerProcess } from '../server-process.js';
import { POLL_WAIT_MS, type Consumer, type FsyncClass, type Producer, type Target, type TargetInstance } from '../target.js';
import { tempDataDir } from '../temp-dir.js';
import type { Message } from '../workload.js';

/**
 * Redis Streams: one stream per topic (Redis has no partitions), XADD pipelined in batches to produce,
 * a consumer group with XREADGROUP COUNT n + XACK to consume.
 */

const GROUP = 'bench';
const READ_COUNT = 1000;
/** Pipelines in flight per producer connection. */
const PIPELINE_WINDOW = 4;

type StreamReply = [Buffer, [Buffer, Buffer[]][]][] | null;

function redisTarget(setting: string, fsyncClass: FsyncClass, persistenceArgs: string[], capacity?: CapacityClient): Target {
  let binary = '';
  return {
    system: 'redis',
    setting,
    fsyncClass,
    isKlog: false,
    client: 'ioredis',
    ...(capacity ? { capacity } : {}),
    async unavailable() {
      const found = ensureBinary('redis-server', 'redis-server');
      if ('reason' in found) return found.reason;
      binary = found.path;
      return null;
    },
    version: () => (binary ? serverVersion(binary, /v=(\S+)/) : 'unknown'),
    async start() {
      const dir = tempDataDir('redis');
      const port = await freePort();
      const server = await ServerProcess.start('redis-server', binary, [
        '--bind', '127.0.0.1', '--port', String(port), '--dir', dir.path, '--daemonize', 'no',
        // RDB snapshots off in every setting: the AOF (or nothing) is the durability under test.
        '--save', '', ...persistenceArgs,
      ], port);
      return new RedisInstance(server, port, dir.remove);
    },
  };
}

class RedisInstance implements TargetInstance {
  private readonly admin: Redis;
  private readonly clients: Redis[] = [];

  constructor(private readonly server: ServerProcess, private readonly port: number, private readonly removeDir: () => void) {
    this.admin = this.connect();
  }

  get pid(): number {
    return this.server.pid;
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  private connect(): Redis {
    const client = new Redis({ host: '127.0.0.1', port: this.port, maxRetriesPerRequest: 0 });
    this.clients.push(client);
    return client;
  }

  async createTopic(topic: string): Promise<void> {
    // Creates the stream with its consumer group reading from the beginning.
    await this.admin.xgroup('CREATE', topic, GROUP, '0', 'MKSTREAM');
  }

  async producer(topic: string): Promise<Producer> {
    const client = this.connect();
    const window = new AckWindow(PIPELINE_WINDOW);
    return {
      send(messages: Message[]) {
        const pipeline = client.pipeline();
        for (const m of messages) pipeline.xadd(topic, '*', 'k', m.key, 'v', m.value);
        window.add(pipeline.exec().then(throwFirstError));
        return window.room();
      },
      flush: () => window.drain(),
      close: async () => undefined,
    };
  }

  async consumer(topic: string): Promise<Consumer> {
    // Its own connection: XREADGROUP BLOCK holds the connection while it waits.
    const client = this.connect();
    let ackError: unknown = null;
    return {
      async poll() {
        if (ackError !== null) throw ackError;
        // callBuffer: field values come back as Buffers, not decoded as UTF-8 strings.
        const reply = (await client.callBuffer(
          'XREADGROUP', 'GROUP', GROUP, 'c1', 'COUNT', READ_COUNT, 'BLOCK', POLL_WAIT_MS, 'STREAMS', topic, '>',
        )) as StreamReply;
        const entries = reply?.[0]?.[1] ?? [];
        if (entries.length === 0) return [];
        // Not awaited: the connection runs commands in order, so the ack is applied before the next read.
        client.xack(topic, GROUP, ...entries.map(([id]) => id)).catch((err: unknown) => (ackError = err));
        // Fields are written as k, key, v, value.
        return entries.map(([, fields]) => fields[3]);
      },
      close: async () => undefined,
    };
  }

  async stop(): Promise<void> {
    for (const client of this.clients) client.disconnect();
    await this.server.stop();
    this.removeDir();
  }
}

function throwFirstError(results: [Error | null, unknown][] | null): void {
  const failed = results?.find(([err]) => err !== null);
  if (failed) throw failed[0];
}

export const redisTargets: Target[] = [
  // The capacity suite measures the server at its fastest setting, as klog's (fsync never).
  redisTarget('memory', 'none', ['--appendonly', 'no'], redisBenchmarkClient()),
  redisTarget('aof-everysec', 'interval', ['--appendonly', 'yes', '--appendfsync', 'everysec']),
];
