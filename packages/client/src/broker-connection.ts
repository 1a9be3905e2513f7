import { connect, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { KlogError } from '@klog/log-core';
import {
  API_VERSIONS, CONNECTION_CORRELATION_ID, decodeBody, decodeResponse, encodeRequest, FrameReader, negotiateVersion, splitResponse, versionTableOf,
  type ApiName, type ApiVersionTable, type RequestOf, type ResponseOf,
} from '@klog/protocol';
import { fromWireError } from '@klog/protocol';
import { saslLogin, type SaslOptions } from './sasl-login.js';
import { tlsConnectOptions, tlsFailure, type ClientTlsOptions } from './tls-settings.js';

export interface ConnectionOptions {
  /** host:port of each broker to try, in order. */
  brokers: string[];
  clientId: string;
  connectTimeoutMs: number;
  requestTimeoutMs: number;
  /** Largest response frame accepted. */
  maxFrameBytes: number;
  /** Speak TLS to the broker; undefined: plaintext. */
  tls?: ClientTlsOptions;
  /** Authenticate every new connection as this user; undefined: anonymous. */
  sasl?: SaslOptions;
}

interface Pending {
  resolve: (body: unknown) => void;
  reject: (err: KlogError) => void;
  /** performance.now() past which the request has timed out (Infinity: never). */
  deadline: number;
  timeoutMs: number;
  socket: Socket;
  api: ApiName;
  version: number;
}

/**
 * One TCP connection to the broker, opened on first use and again after it drops. Each new connection starts
 * with apiVersions, and every request then goes at the highest version both sides speak (or fails with
 * UNSUPPORTED_VERSION before it is sent). Requests are pipelined; answers are matched by correlation id. When
 * the connection drops, every request in flight fails with the retriable CONNECTION_LOST, and callers decide
 * whether to send again.
 */
export class BrokerConnection {
  private socket: Socket | null = null;
  /** What the broker on `socket` speaks, from its apiVersions answer. */
  private brokerVersions: ApiVersionTable = {};
  private connecting: Promise<Socket> | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextCorrelationId = 1;
  private closed = false;
  private current = '';
  /**
   * One timer for every request in flight, armed for the earliest deadline, rather than a setTimeout and a
   * clearTimeout per request: requests mostly share one timeout, so a later one rarely moves the timer, and the
   * two calls per request were 2 % of a busy worker's CPU. Unreferenced while nothing is in flight, so that it
   * never keeps the process alive on its own.
   */
  private timer: NodeJS.Timeout | null = null;
  private timerAt = Infinity;

  constructor(private readonly opts: ConnectionOptions) {}

  /** The broker address in use (or last tried), for error messages. */
  get address(): string {
    return this.current || this.opts.brokers.join(',');
  }

  /**
   * Sends a request and resolves with the response body. A top-level error in the response rejects with a
   * KlogError of that code. With `noResponse` true (produce acks 0), resolves with null once the request is written.
   */
  request<A extends ApiName>(api: A, body: RequestOf<A>, opts?: { timeoutMs?: number }): Promise<ResponseOf<A>>;
  request<A extends ApiName>(api: A, body: RequestOf<A>, opts: { timeoutMs?: number; noResponse: boolean }): Promise<ResponseOf<A> | null>;
  async request<A extends ApiName>(api: A, body: RequestOf<A>, opts: { timeoutMs?: number; noResponse?: boolean } = {}): Promise<ResponseOf<A> | null> {
    if (this.closed) throw new KlogError('CLIENT_CLOSED', 'the client is closed');
    const socket = await this.connected();
    const version = negotiateVersion(api, API_VERSIONS[api], this.brokerVersions, `broker ${this.address}`);
    return this.exchange(socket, api, version, body, opts);
  }

  private exchange<A extends ApiName>(socket: Socket, api: A, version: number, body: RequestOf<A>,
    opts: { timeoutMs?: number; noResponse?: boolean }): Promise<ResponseOf<A> | null> {
    const correlationId = this.nextCorrelationId++;
    const frame = encodeRequest(api, version, correlationId, body);
    if (opts.noResponse) {
      return new Promise((resolve, reject) => socket.write(frame, (err) => (err ? reject(this.lost(err.message)) : resolve(null))));
    }
    return new Promise((resolve, reject) => {
      const timeoutMs = opts.timeoutMs ?? this.opts.requestTimeoutMs;
      const deadline = timeoutMs > 0 ? performance.now() + timeoutMs : Infinity;
      this.pending.set(correlationId, { resolve: resolve as (body: unknown) => void, reject, deadline, timeoutMs, socket, api, version });
      if (deadline < this.timerAt) this.armTimer(deadline);
      else if (this.pending.size === 1) this.timer?.ref();
      socket.write(frame);
    });
  }

  private armTimer(deadline: number): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timerAt = deadline;
    this.timer = setTimeout(this.expire, Math.max(0, deadline - performance.now()));
  }

  /** Fails the requests past their deadline, and arms the timer for the next deadline. */
  private readonly expire = (): void => {
    this.timer = null;
    this.timerAt = Infinity;
    const now = performance.now();
    let next = Infinity;
    for (const [correlationId, p] of this.pending) {
      if (p.deadline > now) {
        next = Math.min(next, p.deadline);
        continue;
      }
      this.pending.delete(correlationId);
      p.reject(new KlogError('REQUEST_TIMED_OUT', `${p.api} request to broker ${this.address} got no answer within ${p.timeoutMs} ms`));
      // The stream may now be out of step with us: start afresh.
      p.socket.destroy();
    }
    if (next !== Infinity) this.armTimer(next);
  };

  /** Nothing in flight: the timer may stay armed (a request soon will need it) but must not hold the process. */
  private settled(): void {
    if (this.pending.size === 0) this.timer?.unref();
  }

  close(): void {
    this.closed = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.timerAt = Infinity;
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
        await this.handshake(socket);
        return socket;
      } catch (err) {
        // The broker answered, but refused us (e.g. TOO_MANY_CONNECTIONS): trying the next address will not help
        // more than telling the caller why.
        if (err instanceof KlogError && err.code !== 'CONNECTION_LOST' && err.code !== 'REQUEST_TIMED_OUT') throw err;
        failures.push(`${address} (${(err as Error).message})`);
      }
    }
    throw new KlogError('BROKER_NOT_AVAILABLE',
      `cannot connect to a klog broker at ${failures.join('; ')} — is one running? Start one with: klog broker`);
  }

  private connectTo(address: string): Promise<Socket> {
    const { host, port } = parseAddress(address);
    const tls = this.opts.tls;
    return new Promise((resolve, reject) => {
      const socket = tls ? connectTls(tlsConnectOptions(tls, host, port)) : connect({ host, port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`no connection within ${this.opts.connectTimeoutMs} ms`));
      }, this.opts.connectTimeoutMs);
      // A TLS socket is ready once its handshake is done, a plain one once connected.
      socket.once(tls ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(socket);
      });
      socket.once('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        if (err.code === 'ECONNREFUSED') reject(new Error('connection refused'));
        else reject((tls ? tlsFailure(err, address) : null) ?? new Error(err.message));
      });
    });
  }

  /**
   * Asks the broker which APIs and versions it speaks (apiVersions v0, which every broker answers), before the
   * socket is handed to any request.
   */
  private async handshake(socket: Socket): Promise<void> {
    let answer;
    try {
      answer = await this.exchange(socket, 'apiVersions', 0, {}, {});
    } catch (err) {
      socket.destroy();
      // A TLS broker that refuses the client's certificate may hang up without an alert, right after a handshake
      // that looked complete to the client: a TLS connection lost before its first answer is a TLS failure.
      if (this.opts.tls && err instanceof KlogError && err.code === 'CONNECTION_LOST') {
        throw new KlogError('TLS_HANDSHAKE_FAILED', `TLS with broker ${this.address} failed: the broker closed the connection before answering; `
          + 'it may require a client certificate signed by its --tls-ca: give one with --tls-cert and --tls-key', { cause: err });
      }
      throw err;
    }
    if (this.closed) {
      socket.destroy();
      throw new KlogError('CLIENT_CLOSED', 'the client is closed');
    }
    this.brokerVersions = versionTableOf(answer!);
    const sasl = this.opts.sasl;
    if (sasl) {
      const send = <A extends 'saslHandshake' | 'saslAuthenticate'>(api: A, body: RequestOf<A>) =>
        this.exchange(socket, api, negotiateVersion(api, API_VERSIONS[api], this.brokerVersions, `broker ${this.address}`), body, {}) as Promise<ResponseOf<A>>;
      try {
        await saslLogin({ saslHandshake: (b) => send('saslHandshake', b), saslAuthenticate: (b) => send('saslAuthenticate', b) }, sasl, this.address);
      } catch (err) {
        socket.destroy();
        throw err;
      }
    }
    this.socket = socket;
  }

  private attach(socket: Socket): void {
    socket.setNoDelay(true);
    const reader = new FrameReader(this.opts.maxFrameBytes);
    socket.on('data', (chunk) => {
      for (const f of reader.push(chunk)) this.onFrame(f, socket);
      if (reader.tooLarge) {
        socket.destroy();
        this.failAll(this.lost(reader.tooLarge.message));
      }
    });
    // With TLS 1.3 the broker checks the client's certificate after the client thinks the handshake done: its
    // refusal arrives as an alert on the first request, and is what the pending requests should fail with.
    let refused: KlogError | null = null;
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (this.opts.tls && err.code?.startsWith('ERR_SSL_')) refused = tlsFailure(err, this.address);
    }); // 'close' follows and fails what is pending
    socket.on('close', () => {
      if (this.socket === socket) this.socket = null;
      this.failAll(refused ?? this.lost('connection closed'));
    });
  }

  private onFrame(frame: Buffer, socket: Socket): void {
    let message: unknown;
    try {
      message = decodeBody(frame);
    } catch {
      socket.destroy();
      return;
    }
    const answer = splitResponse(message);
    if (!answer) return;
    if (answer.correlationId === CONNECTION_CORRELATION_ID) {
      // An error about the connection itself (e.g. too many connections, frame too large): it will close.
      this.failAll(fromWireError(answer.error ?? {}, `broker ${this.address}`));
      return;
    }
    const p = this.pending.get(answer.correlationId);
    if (!p) return;
    this.pending.delete(answer.correlationId);
    this.settled();
    if (answer.error) {
      p.reject(fromWireError(answer.error, `${p.api} on broker ${this.address}`));
      return;
    }
    try {
      p.resolve(decodeResponse(p.api, p.version, answer.body));
    } catch (err) {
      p.reject(err as KlogError);
    }
  }

  private lost(reason: string): KlogError {
    return new KlogError('CONNECTION_LOST', `lost the connection to broker ${this.address}: ${reason}`);
  }

  private failAll(err: KlogError): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    this.settled();
    for (const p of all) p.reject(err);
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
