import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { FrameReader } from '@klog/protocol';
import type { BrokerServices } from '../services/broker-services.js';
import { certificatePrincipal } from '../tls/listener-tls.js';
import { refusedBeforeAuthentication } from './authentication-gate.js';
import { KafkaWriter } from './codec/writer.js';
import type { KafkaRequestContext } from './kafka-api.js';
import { KafkaSaslSession } from './kafka-sasl.js';
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
 * valid request close this connection, nothing else. Authentication (kafka-sasl.ts) sits in front: until the
 * client has authenticated on a broker with users, only ApiVersions and the SASL APIs pass; after SaslHandshake
 * v0 the next frames are bare SASL tokens, answered by bare frames.
 */
export class KafkaConnection {
  private readonly frames: FrameReader;
  private readonly waiting: Buffer[] = [];
  private working: Promise<void> | null = null;
  private paused = false;
  private readonly closed = new AbortController();
  private readonly log: Logger;
  private readonly sasl: KafkaSaslSession;
  private readonly requestContext: Omit<KafkaRequestContext, 'clientId' | 'principal'>;

  constructor(
    private readonly socket: Socket,
    private readonly ctx: BrokerServices,
    id: number,
    advertised: { host: string; port: number },
    opts: { plainAllowed: boolean },
  ) {
    this.frames = new FrameReader(ctx.config.maxFrameBytes);
    this.log = ctx.logger.child({ kafkaConn: id, remote: `${socket.remoteAddress}:${socket.remotePort}` });
    const remoteHost = socket.remoteAddress ?? 'unknown';
    this.sasl = new KafkaSaslSession(ctx.security, {
      plainAllowed: opts.plainAllowed, remoteHost, certificatePrincipal: certificatePrincipal(socket), log: this.log,
    });
    this.requestContext = { broker: ctx, remoteHost, advertised, closed: this.closed.signal, sasl: this.sasl };
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
    const frames = this.frames.push(chunk);
    this.waiting.push(...frames);
    this.maybePause();
    this.schedule();
    if (this.working === null) this.closeIfTooLarge();
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
    this.closeIfTooLarge();
  }

  /** After an oversized frame header, the requests before it are answered in order, then the connection closes. */
  private closeIfTooLarge(): void {
    const tooLarge = this.frames.tooLarge;
    if (tooLarge && this.waiting.length === 0 && !this.closed.signal.aborted) {
      this.close({ declared: tooLarge.declared, max: tooLarge.max }, 'closing kafka connection: frame too large');
    }
  }

  private async handle(frame: Buffer): Promise<void> {
    if (this.sasl.expectsRawToken) return this.handleRawToken(frame);
    const refused = refusedBeforeAuthentication(frame, this.sasl);
    if (refused !== null) {
      this.close(refused, 'closing kafka connection: request before SASL authentication (the broker has users; configure the client with SASL)');
      return;
    }
    // The principal as it is now: the same connection is anonymous before SaslAuthenticate and a user after it.
    const outcome = await dispatchRequest(frame, { ...this.requestContext, principal: this.sasl.principal }, this.log);
    if (outcome.action === 'respond') this.respond(outcome.correlationId, outcome.body, outcome.flexibleHeader);
    else if (outcome.action === 'close') this.close(outcome.details, `closing kafka connection: ${outcome.reason}`);
    // A failed handshake or login is answered first, then the connection goes, as Kafka does.
    if (this.sasl.closeReason !== null && outcome.action !== 'close') {
      this.close({ principal: this.sasl.principal }, `closing kafka connection: ${this.sasl.closeReason}`);
    }
  }

  /** A bare SASL token (after SaslHandshake v0) gets a bare answer, length-prefixed; a failed one closes the connection. */
  private async handleRawToken(token: Buffer): Promise<void> {
    const answer = await this.sasl.rawToken(token, this.closed.signal);
    if (answer === null) {
      this.close({ principal: null }, `closing kafka connection: ${this.sasl.closeReason ?? 'SASL authentication failed'}`);
      return;
    }
    if (this.socket.destroyed) return;
    const size = Buffer.alloc(4);
    size.writeInt32BE(answer.length, 0);
    this.socket.write(Buffer.concat([size, answer]));
    this.ctx.metrics.bytesSent('kafka', size.length + answer.length);
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
    if (!this.paused && (this.frames.tooLarge || this.waiting.length >= cfg.maxInFlightPerConnection || this.socket.writableLength > cfg.maxBufferedBytesPerConnection)) {
      this.paused = true;
      this.socket.pause();
    }
  }

  private maybeResume(): void {
    const cfg = this.ctx.config;
    // Past an oversized frame nothing more can be read: the socket stays paused until it closes.
    if (this.paused && !this.frames.tooLarge && this.waiting.length < cfg.maxInFlightPerConnection && this.socket.writableLength <= cfg.maxBufferedBytesPerConnection) {
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
