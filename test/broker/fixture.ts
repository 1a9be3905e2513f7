// Shared by the broker integration tests: temporary data dirs, a quiet broker on a free loopback port, a raw
// protocol connection (for what the client would never send), and waiting on a condition.
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBroker, type Broker, type BrokerOptions } from '@klog/broker';
import { decodeBody, encodeFrame, FrameReader } from '@klog/protocol';
import { createClient, type Client, type ConsumedMessage } from '@klog/client';

const dirs: string[] = [];

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'klog-broker-test-'));
  dirs.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** A silent broker on 127.0.0.1; port 0 (a free one) unless the test restarts one on a known port. */
export function startTestBroker(opts: Partial<BrokerOptions> = {}): Promise<Broker> {
  return startBroker({ dataDir: opts.dataDir ?? tempDir(), host: '127.0.0.1', port: 0, logLevel: 'silent', ...opts });
}

export function clientFor(broker: Broker, clientId = 'test'): Client {
  return createClient({ brokers: [`127.0.0.1:${broker.port}`], clientId });
}

/** Runs `fn` with a client of a fresh test broker; closes both afterwards, whatever `fn` did. */
export async function withClient<T>(fn: (client: Client, broker: Broker) => Promise<T>, opts: Partial<BrokerOptions> = {}): Promise<T> {
  const broker = await startTestBroker(opts);
  const client = clientFor(broker);
  try {
    return await fn(client, broker);
  } finally {
    await client.close();
    await broker.close();
  }
}

export type Frame = Record<string, unknown>;

/**
 * One TCP connection speaking the frame protocol by hand: sends whatever it is given (valid or not) and
 * hands out the decoded answers in arrival order.
 */
export class RawConnection {
  private readonly frames: Frame[] = [];
  private readonly waiters: ((f: Frame | null) => void)[] = [];
  private readonly reader = new FrameReader(1 << 30);
  private nextId = 1;
  private isClosed = false;
  /** Resolves once the broker (or we) closed the connection. */
  readonly closed: Promise<void>;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk) => {
      for (const body of this.reader.push(chunk)) this.deliver(decodeBody(body) as Frame);
    });
    socket.on('error', () => undefined); // 'close' follows
    this.closed = new Promise((resolve) => socket.once('close', () => {
      this.isClosed = true;
      for (const w of this.waiters.splice(0)) w(null);
      resolve();
    }));
  }

  static open(port: number): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new RawConnection(socket));
      });
      socket.once('error', reject);
    });
  }

  /** Writes one encoded request, filling in api/version/correlationId defaults; returns its correlation id. */
  send(api: string, body: Frame = {}, envelope: { version?: number; correlationId?: number } = {}): number {
    const correlationId = envelope.correlationId ?? this.nextId++;
    this.socket.write(encodeFrame({ api, version: envelope.version ?? 0, correlationId, ...body }));
    return correlationId;
  }

  write(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** Sends a request and waits for the next answer (which, with nothing else in flight, is its own). */
  async request(api: string, body: Frame = {}, envelope: { version?: number } = {}): Promise<Frame> {
    const id = this.send(api, body, envelope);
    const answer = await this.next();
    if (answer === null) throw new Error(`connection closed before the answer to ${api}`);
    if (answer.correlationId !== id) throw new Error(`answer ${String(answer.correlationId)} out of order (expected ${id})`);
    return answer;
  }

  /** The next answer, or null once the connection is closed with no answer left. */
  next(): Promise<Frame | null> {
    const f = this.frames.shift();
    if (f !== undefined) return Promise.resolve(f);
    if (this.isClosed) return Promise.resolve(null);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  destroy(): void {
    this.socket.destroy();
  }

  private deliver(f: Frame): void {
    const w = this.waiters.shift();
    if (w) w(f);
    else this.frames.push(f);
  }
}

/** Polls `check` until it holds; fails with `what` after `timeoutMs` (a safety net, not a timing assertion). */
export async function waitUntil(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Records of one partition of a fetch answer, decoded (the raw answer holds stored batches). */
export function partitionOf(answer: Frame, topic: string, partition: number): Frame {
  const t = (answer.topics as { topic: string; partitions: Frame[] }[]).find((x) => x.topic === topic);
  const p = t?.partitions.find((x) => x.partition === partition);
  if (!p) throw new Error(`answer has no ${topic}-${partition}: ${JSON.stringify(answer)}`);
  return p;
}

/** Reads every partition of a topic from the start until `count` messages arrived (or fails after a while). */
export async function consumeAll(client: Client, topic: string, partitions: number, count: number): Promise<ConsumedMessage[]> {
  const consumer = client.consumer({ fromBeginning: true, maxWaitMs: 200 });
  consumer.assign(Array.from({ length: partitions }, (_, partition) => ({ topic, partition })));
  const out: ConsumedMessage[] = [];
  const deadline = Date.now() + 30_000;
  try {
    while (out.length < count) {
      if (Date.now() > deadline) throw new Error(`consumed ${out.length} of ${count} messages of ${topic}`);
      for (const batch of await consumer.poll()) out.push(...batch);
    }
  } finally {
    await consumer.close();
  }
  return out;
}
