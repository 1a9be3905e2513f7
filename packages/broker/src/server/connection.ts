import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import type { Logger } from 'pino';
import {
  CONNECTION_CORRELATION_ID, decodeBody, encodeErrorResponse, FrameReader, splitRequest, type RequestHeader,
} from '@klog/protocol';
import { isApiName, toWireError } from '@klog/protocol';
import { AnswerBudget } from './answer-budget.js';
import type { BrokerContext } from './broker-context.js';
import { answerRequest } from './dispatch.js';
import type { ConnectionAuth } from '../security/connection-auth.js';
import { certificatePrincipal, TLS_HANDSHAKE_BYTE } from '../tls/listener-tls.js';
import type { RequestContext } from './request-context.js';

/** The smallest frame length whose first byte is a TLS handshake's. */
const TLS_LOOKALIKE_FRAME_BYTES = TLS_HANDSHAKE_BYTE * 2 ** 24;

/** An answer ready to write (null: none, for produce with acks 0) and the answer bytes it had reserved. */
interface Answer {
  frame: Buffer | null;
  reserved: number;
  /** Size of the request it answers, counted in requestBytes until the answer is written. */
  requestBytes: number;
}

/**
 * One client connection. Requests are handled concurrently (pipelining) and answered in the order they came,
 * each response carrying its correlation id. Back-pressure: while the socket holds more unsent response bytes
 * than the limit, or too many requests are in progress, the broker stops reading from it — a slow reader
 * never makes the broker buffer without bound.
 */
export class Connection {
  private readonly reader: FrameReader;
  private readonly queue: Promise<Answer>[] = [];
  private readonly budget: AnswerBudget;
  private flushing = false;
  /**
   * Answers that become ready together go out in one write: cork at the first, uncork once the promise jobs now
   * running are done (process.nextTick runs after them). Not at the end of the event-loop turn (setImmediate):
   * that would hold an answer while the broker handles every other socket's input of the turn.
   */
  private corked = false;
  private paused = false;
  /** Frames read but not yet started (see dispatch). */
  private readonly backlog: Buffer[] = [];
  /** Bytes of requests read and not yet answered: bounded too, or pipelined produces could pile up. */
  private requestBytes = 0;
  private readonly closed = new AbortController();
  private readonly log: Logger;
  private readonly remoteHost: string;
  /** Who the peer is (its certificate's CN, its user once authenticated) and where its SASL exchange stands. */
  private readonly auth: ConnectionAuth;
  /** Until the first bytes arrive: they tell a TLS client on a plaintext port apart. */
  private firstChunk = true;

  constructor(
    private readonly socket: Socket,
    private readonly ctx: BrokerContext,
    readonly id: number,
  ) {
    this.reader = new FrameReader(ctx.config.maxFrameBytes);
    this.remoteHost = socket.remoteAddress ?? 'unknown';
    this.auth = ctx.security.connectionAuth(certificatePrincipal(socket));
    this.budget = new AnswerBudget(ctx.config.maxBufferedBytesPerConnection, () => socket.writableLength);
    this.log = ctx.logger.child({ conn: id, remote: `${socket.remoteAddress}:${socket.remotePort}` });
    socket.setNoDelay(true);
    this.log.debug({ tls: socket instanceof TLSSocket, principal: this.auth.principal }, 'connection opened');
    ctx.metrics.connectionOpened('native');
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('drain', () => {
      this.budget.drained();
      this.maybeResume();
    });
    socket.on('error', (err) => this.log.debug({ err }, 'socket error'));
    socket.on('close', () => {
      ctx.metrics.connectionClosed('native');
      this.closed.abort();
      this.budget.close();
    });
  }

  get inFlight(): number {
    return this.queue.length;
  }

  /** Resolves once every request already read has been answered. */
  async drained(): Promise<void> {
    while (this.queue.length > 0) await Promise.allSettled(this.queue);
  }

  /** Stops reading requests (graceful shutdown): what is in flight is still answered. */
  stopReading(): void {
    this.socket.pause();
    this.socket.removeAllListeners('data');
    this.backlog.length = 0; // read but not started: the client sees the connection close and sends them again
  }

  /**
   * Sends what is queued, then closes. The socket is paused (stopReading), so it would never see the peer's end
   * of the stream and never close by itself: once our side is flushed we close it.
   */
  end(): void {
    this.socket.end(() => this.socket.destroy());
  }

  /** Closes at once, unsent answers and all (a peer that does not read them within the shutdown grace). */
  destroy(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.ctx.metrics.bytesReceived('native', chunk.length);
    if (this.firstChunk) {
      this.firstChunk = false;
      // A frame whose length starts with 0x16 would be at least 352 MiB: beyond any usual maxFrameBytes.
      if (chunk[0] === TLS_HANDSHAKE_BYTE && !(this.socket instanceof TLSSocket) && this.ctx.config.maxFrameBytes < TLS_LOOKALIKE_FRAME_BYTES) {
        // Read as a frame length this would be ~370 MB, and the client would hear FRAME_TOO_LARGE: say what it is.
        this.log.warn('closing connection: a TLS client on the plaintext native port (start the broker with --tls-cert and --tls-key, or connect without --tls)');
        this.fatal('INVALID_REQUEST', 'this broker port speaks plaintext, not TLS: connect without --tls, or start the broker with --tls-cert and --tls-key');
        return;
      }
    }
    for (const body of this.reader.push(chunk)) this.backlog.push(body);
    this.dispatch();
    const tooLarge = this.reader.tooLarge;
    // Unless a bad frame before it already closed the connection with its own error.
    if (tooLarge && !this.closed.signal.aborted) {
      // The requests started before it are still answered (fatal waits for them); then the connection goes.
      this.log.warn({ declared: tooLarge.declared, max: tooLarge.max }, 'closing connection: frame too large');
      this.fatal('FRAME_TOO_LARGE', `${tooLarge.message}; the connection is closed`);
      return;
    }
    this.maybePause();
  }

  /**
   * Starts requests from the backlog while the connection is under its limits. Frames read beyond them wait here
   * (with the socket paused), so a peer pipelining thousands of requests gets them handled a few at a time.
   */
  private dispatch(): void {
    const max = this.ctx.config.maxInFlightPerConnection;
    while (this.backlog.length > 0 && this.queue.length < max && !this.overBudget()) {
      if (this.closed.signal.aborted) {
        this.backlog.length = 0;
        return;
      }
      this.handleFrame(this.backlog.shift()!);
    }
  }

  private handleFrame(body: Buffer): void {
    let message: unknown;
    try {
      message = decodeBody(body);
    } catch {
      this.log.warn('closing connection: frame is not valid msgpack');
      this.fatal('INVALID_REQUEST', 'frame is not valid msgpack; the connection is closed');
      return;
    }
    const request = splitRequest(message);
    if ('problem' in request && request.correlationId === null) {
      this.log.warn('closing connection: request without api, version and correlationId');
      this.fatal('INVALID_REQUEST', `${request.problem}; the connection is closed`);
      return;
    }
    this.requestBytes += body.length;
    if ('problem' in request) {
      // The header is bad but names a correlation id: answer that request with the error and keep the connection.
      const frame = encodeErrorResponse(request.correlationId!, { errorCode: 'INVALID_REQUEST', errorMessage: request.problem });
      this.enqueue(Promise.resolve({ frame, reserved: 0, requestBytes: body.length }));
      return;
    }
    this.enqueue(this.answer(request.header, request.body, body.length));
  }

  private async answer(env: RequestHeader, req: Record<string, unknown>, requestBytes: number): Promise<Answer> {
    let reserved = 0;
    const requestContext: RequestContext = {
      closed: this.closed.signal,
      remoteHost: this.remoteHost,
      auth: this.auth,
      reserveAnswerBytes: async (bytes) => {
        const granted = await this.budget.reserve(bytes);
        reserved += granted;
        return granted;
      },
    };
    const started = performance.now();
    // The api name comes from the peer: only known names become a metric label, so the series stay bounded.
    const api = isApiName(env.api) ? env.api : 'unknown';
    try {
      const frame = await answerRequest(env, req, this.ctx, requestContext);
      this.ctx.metrics.requestDone('native', api, (performance.now() - started) / 1000);
      return { frame, reserved, requestBytes };
    } catch (err) {
      const wire = toWireError(err, this.log.child({ api: env.api }));
      this.ctx.metrics.requestDone('native', api, (performance.now() - started) / 1000, wire.errorCode);
      return { frame: encodeErrorResponse(env.correlationId, wire), reserved, requestBytes };
    }
  }

  private enqueue(response: Promise<Answer>): void {
    this.queue.push(response);
    if (!this.flushing) void this.flush();
  }

  /** Writes answers strictly in request order, as each becomes ready. */
  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        const { frame, reserved, requestBytes } = await this.queue[0];
        this.queue.shift();
        if (frame && !this.socket.destroyed) {
          this.corkForTurn();
          this.socket.write(frame);
          this.ctx.metrics.bytesSent('native', frame.length);
        }
        this.budget.release(reserved);
        this.requestBytes -= requestBytes;
        this.maybeResume();
      }
    } finally {
      this.flushing = false;
    }
  }

  private corkForTurn(): void {
    if (this.corked) return;
    this.corked = true;
    this.socket.cork();
    process.nextTick(() => {
      this.corked = false;
      this.socket.uncork();
      // What the cork held counted as unsent; now mostly sent, with no 'drain' to say so (the socket's buffer
      // never filled): reservations waiting for that room are looked at again here.
      this.budget.drained();
      this.maybeResume();
    });
  }

  private maybePause(): void {
    const cfg = this.ctx.config;
    if (!this.paused && (this.backlog.length > 0 || this.queue.length >= cfg.maxInFlightPerConnection || this.overBudget())) {
      this.paused = true;
      this.socket.pause();
    }
  }

  private maybeResume(): void {
    const cfg = this.ctx.config;
    this.dispatch();
    if (this.paused && this.backlog.length === 0 && this.queue.length < cfg.maxInFlightPerConnection && !this.overBudget()) {
      this.paused = false;
      this.socket.resume();
    } else if (!this.paused) {
      this.maybePause();
    }
  }

  private overBudget(): boolean {
    const max = this.ctx.config.maxBufferedBytesPerConnection;
    return this.socket.writableLength > max || this.requestBytes > max;
  }

  /** Answers with an error that has no request to belong to, then closes: the stream cannot be trusted. */
  private fatal(code: 'FRAME_TOO_LARGE' | 'INVALID_REQUEST', message: string): void {
    this.stopReading();
    this.closed.abort();
    const frame = encodeErrorResponse(CONNECTION_CORRELATION_ID, { errorCode: code, errorMessage: message });
    void this.drained().then(() => {
      if (!this.socket.destroyed) this.socket.end(frame);
    });
    // A peer that never reads its socket must not hold the connection open.
    setTimeout(() => this.socket.destroy(), 5_000).unref();
  }
}
