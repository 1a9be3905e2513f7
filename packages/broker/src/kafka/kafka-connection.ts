import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { FrameReader, FrameTooLargeError } from '@klog/protocol';
import type { BrokerServices } from '../services/broker-services.js';
import { KafkaWriter } from './codec/writer.js';
import type { KafkaRequestContext } from './kafka-api.js';
import { dispatchRequest } from './request-dispatch.js';
import { writeResponseHeader } from './request-header.js';

/** Time a peer gets to read our last bytes after we decide to close, before the socket is cut. */
const CLOSE_GRACE_MS = 5_000;

/**
 * One Kafka client connection. Frames are int32-length prefixed, like the native protocol's, so the native
 * FrameReader splits them (and refuses oversized ones before buffering them). Requests are handled strictly
 * one at a time and answered in order, as Kafka does: clients match responses to requests by order, and
 * kafka-python fails on any other. Back-pressure: while too many requests wait or the socket holds too many
 * unsent bytes, reading stops. What each frame gets is decided by request-dispatch.ts; bytes that are not a
 * valid request close this connection, nothing else.
 */
export class KafkaConnection {
  private readonly frames: FrameReader;
  private readonly waiting: Buffer[] = [];
  private working: Promise<void> | null = null;
  private paused = false;
  private readonly closed = new AbortController();
  private readonly log: Logger;
  private readonly requestContext: Omit<KafkaRequestContext, 'clientId'>;

  constructor(
    private readonly socket: Socket,
    private readonly ctx: BrokerServices,
    id: number,
    advertised: { host: string; port: number },
  ) {
    this.frames = new FrameReader(ctx.config.maxFrameBytes);
    this.log = ctx.logger.child({ kafkaConn: id, remote: `${socket.remoteAddress}:${socket.remotePort}` });
    this.requestContext = { broker: ctx, remoteHost: socket.remoteAddress ?? 'unknown', advertised, closed: this.closed.signal };
    socket.setNoDelay(true);
    ctx.metrics.connectionOpened('kafka');
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('drain', () => this.maybeResume());
    socket.on('error', (err) => this.log.debug({ err }, 'socket error'));
    socket.on('close', () => {
      ctx.metrics.connectionClosed('kafka');
      this.closed.abort();
    });
  }

  /** Resolves once the request being handled (if any) is answered. */
  async drained(): Promise<void> {
    while (this.working) await this.working;
  }

  /** Stops reading (graceful shutdown): the request in progress is still answered, those not started are dropped. */
  stopReading(): void {
    this.socket.pause();
    this.socket.removeAllListeners('data');
    this.waiting.length = 0;
  }

  /** Sends what is written, then closes. */
  end(): void {
    this.socket.end(() => this.socket.destroy());
  }

  destroy(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.ctx.metrics.bytesReceived('kafka', chunk.length);
    let frames: Buffer[];
    try {
      frames = this.frames.push(chunk);
    } catch (err) {
      if (!(err instanceof FrameTooLargeError)) throw err;
      this.close({ declared: err.declared, max: err.max }, 'closing kafka connection: frame too large');
      return;
    }
    this.waiting.push(...frames);
    this.maybePause();
    this.schedule();
  }

  /** Starts working through the waiting frames unless already at it; frames that came during the last step are not left behind. */
  private schedule(): void {
    if (this.working !== null || this.waiting.length === 0 || this.closed.signal.aborted) return;
    this.working = this.work().finally(() => {
      this.working = null;
      this.schedule();
    });
  }

  private async work(): Promise<void> {
    while (this.waiting.length > 0 && !this.closed.signal.aborted) {
      const frame = this.waiting.shift()!;
      this.maybeResume();
      await this.handle(frame);
    }
  }

  private async handle(frame: Buffer): Promise<void> {
    const outcome = await dispatchRequest(frame, this.requestContext, this.log);
    if (outcome.action === 'respond') this.respond(outcome.correlationId, outcome.body, outcome.flexibleHeader);
    else if (outcome.action === 'close') this.close(outcome.details, `closing kafka connection: ${outcome.reason}`);
  }

  /** The response header (v0, or v1 for flexible responses) then the body, written as one frame. */
  private respond(correlationId: number, body: KafkaWriter, flexibleHeader: boolean): void {
    if (this.socket.destroyed) return;
    const head = new KafkaWriter().int32(0);
    writeResponseHeader(head, correlationId, flexibleHeader);
    const [headBytes] = head.toBuffers();
    headBytes.writeInt32BE(headBytes.length - 4 + body.length, 0);
    this.socket.cork();
    this.socket.write(headBytes);
    for (const part of body.toBuffers()) this.socket.write(part);
    this.socket.uncork();
    this.ctx.metrics.bytesSent('kafka', headBytes.length + body.length);
    this.maybePause();
  }

  private maybePause(): void {
    const cfg = this.ctx.config;
    if (!this.paused && (this.waiting.length >= cfg.maxInFlightPerConnection || this.socket.writableLength > cfg.maxBufferedBytesPerConnection)) {
      this.paused = true;
      this.socket.pause();
    }
  }

  private maybeResume(): void {
    const cfg = this.ctx.config;
    if (this.paused && this.waiting.length < cfg.maxInFlightPerConnection && this.socket.writableLength <= cfg.maxBufferedBytesPerConnection) {
      this.paused = false;
      this.socket.resume();
    }
  }

  /** The stream cannot be trusted any more: stop reading, let the peer have what was answered, close. */
  private close(details: Record<string, unknown>, message: string): void {
    this.log.warn(details, message);
    this.stopReading();
    this.closed.abort();
    this.socket.end();
    setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS).unref();
  }
}
