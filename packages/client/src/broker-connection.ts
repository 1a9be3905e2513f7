import { connect, type Socket } from 'node:net';
import { KlogError } from '@klog/log-core';
import { decodeBody, encodeFrame, FrameReader } from '@klog/protocol';
import { fromWireError } from '@klog/protocol';

export interface ConnectionOptions {
  /** host:port of each broker to try, in order. */
  brokers: string[];
  clientId: string;
  connectTimeoutMs: number;
  requestTimeoutMs: number;
  /** Largest response frame accepted. */
  maxFrameBytes: number;
}

interface Pending {
  resolve: (body: Record<string, unknown>) => void;
  reject: (err: KlogError) => void;
  timer: NodeJS.Timeout | null;
  api: string;
}

/**
 * One TCP connection to the broker, opened on first use and again after it drops. Requests are pipelined;
 * answers are matched by correlation id. When the connection drops, every request in flight fails with the
 * retriable CONNECTION_LOST, and callers decide whether to send again.
 */
export class BrokerConnection {
  private socket: Socket | null = null;
  private connecting: Promise<Socket> | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextCorrelationId = 1;
  private closed = false;
  private current = '';

  constructor(private readonly opts: ConnectionOptions) {}

  /** The broker address in use (or last tried), for error messages. */
  get address(): string {
    return this.current || this.opts.brokers.join(',');
  }

  /**
   * Sends a request and resolves with the response body. A top-level error in the response rejects with a
   * KlogError of that code. With `noResponse` (produce acks 0), resolves once the request is written.
   */
  async request(api: string, body: Record<string, unknown>, opts: { version?: number; timeoutMs?: number; noResponse?: boolean } = {}): Promise<Record<string, unknown>> {
    if (this.closed) throw new KlogError('CLIENT_CLOSED', 'the client is closed');
    const socket = await this.connected();
    const correlationId = this.nextCorrelationId++;
    const frame = encodeFrame({ ...body, api, version: opts.version ?? 0, correlationId });
    if (opts.noResponse) {
      await new Promise<void>((resolve, reject) => socket.write(frame, (err) => (err ? reject(this.lost(err.message)) : resolve())));
      return {};
    }
    return new Promise((resolve, reject) => {
      const timeoutMs = opts.timeoutMs ?? this.opts.requestTimeoutMs;
      const timer = timeoutMs > 0
        ? setTimeout(() => {
          this.pending.delete(correlationId);
          reject(new KlogError('REQUEST_TIMED_OUT', `${api} request to broker ${this.address} got no answer within ${timeoutMs} ms`));
          // The stream may now be out of step with us: start afresh.
          this.socket?.destroy();
        }, timeoutMs)
        : null;
      this.pending.set(correlationId, { resolve, reject, timer, api });
      socket.write(frame);
    });
  }

  close(): void {
    this.closed = true;
    this.socket?.destroy();
    this.failAll(new KlogError('CLIENT_CLOSED', 'the client is closed'));
  }

  private async connected(): Promise<Socket> {
    if (this.socket && !this.socket.destroyed) return this.socket;
    this.connecting ??= this.connectAny().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private async connectAny(): Promise<Socket> {
    const failures: string[] = [];
    for (const address of this.opts.brokers) {
      try {
        const socket = await this.connectTo(address);
        this.current = address;
        this.attach(socket);
        return socket;
      } catch (err) {
        failures.push(`${address} (${(err as Error).message})`);
      }
    }
    throw new KlogError('BROKER_NOT_AVAILABLE',
      `cannot connect to a klog broker at ${failures.join('; ')} — is one running? Start one with: klog broker`);
  }

  private connectTo(address: string): Promise<Socket> {
    const { host, port } = parseAddress(address);
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`no connection within ${this.opts.connectTimeoutMs} ms`));
      }, this.opts.connectTimeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(socket);
      });
      socket.once('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(new Error(err.code === 'ECONNREFUSED' ? 'connection refused' : err.message));
      });
    });
  }

  private attach(socket: Socket): void {
    socket.setNoDelay(true);
    const reader = new FrameReader(this.opts.maxFrameBytes);
    this.socket = socket;
    socket.on('data', (chunk) => {
      let frames: Buffer[];
      try {
        frames = reader.push(chunk);
      } catch (err) {
        socket.destroy();
        this.failAll(this.lost((err as Error).message));
        return;
      }
      for (const f of frames) this.onFrame(f);
    });
    socket.on('error', () => undefined); // 'close' follows and fails what is pending
    socket.on('close', () => {
      if (this.socket === socket) this.socket = null;
      this.failAll(this.lost('connection closed'));
    });
  }

  private onFrame(frame: Buffer): void {
    let msg: Record<string, unknown>;
    try {
      msg = decodeBody(frame) as Record<string, unknown>;
    } catch {
      this.socket?.destroy();
      return;
    }
    const id = msg.correlationId;
    if (id === -1) {
      // An error about the connection itself (e.g. too many connections, frame too large): it will close.
      this.failAll(fromWireError(msg, `broker ${this.address}`));
      return;
    }
    const p = typeof id === 'number' ? this.pending.get(id) : undefined;
    if (!p) return;
    this.pending.delete(id as number);
    if (p.timer) clearTimeout(p.timer);
    if (typeof msg.errorCode === 'string') p.reject(fromWireError(msg, `${p.api} on broker ${this.address}`));
    else p.resolve(msg);
  }

  private lost(reason: string): KlogError {
    return new KlogError('CONNECTION_LOST', `lost the connection to broker ${this.address}: ${reason}`);
  }

  private failAll(err: KlogError): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) {
      if (p.timer) clearTimeout(p.timer);
      p.reject(err);
    }
  }
}

export function parseAddress(address: string): { host: string; port: number } {
  const m = /^\[?([^\]]*?)\]?:(\d+)$/.exec(address.trim());
  const port = m ? Number(m[2]) : NaN;
  if (!m || !m[1] || !(port > 0 && port < 65536)) {
    throw new KlogError('INVALID_CONFIG', `broker address ${JSON.stringify(address)} must look like host:port, e.g. 127.0.0.1:7420`);
  }
  return { host: m[1], port };
}
