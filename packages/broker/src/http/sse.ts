import type { IncomingMessage, ServerResponse } from 'node:http';
import { KlogError } from '@klog/log-core';

/** Server-Sent Events streams open at once, over all clients: each holds a socket and, for a tail, reads. */
export const MAX_STREAMS = 64;

/** The open event streams of a listener, so that it can refuse more than MAX_STREAMS and end them all on close. */
export class StreamSet {
  private readonly open = new Set<EventStream>();

  /** Starts an event stream on the response (TOO_MANY_CONNECTIONS when MAX_STREAMS are open). */
  start(req: IncomingMessage, res: ServerResponse): EventStream {
    if (this.open.size >= MAX_STREAMS) {
      throw new KlogError('TOO_MANY_CONNECTIONS', `at most ${MAX_STREAMS} event streams may be open; close other console tabs`);
    }
    const stream = new EventStream(req, res);
    this.open.add(stream);
    stream.signal.addEventListener('abort', () => this.open.delete(stream), { once: true });
    return stream;
  }

  closeAll(): void {
    for (const s of this.open) s.end();
  }
}

/**
 * One `text/event-stream` answer. `signal` aborts when the client goes away or the listener closes, which is
 * what ends the loops that feed it.
 */
export class EventStream {
  private readonly controller = new AbortController();
  readonly signal: AbortSignal;

  constructor(req: IncomingMessage, private readonly res: ServerResponse) {
    this.signal = this.controller.signal;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
    });
    res.flushHeaders();
    req.socket.setNoDelay(true);
    res.on('close', () => this.controller.abort());
  }

  /** Bytes written but not yet taken by the socket: a client that does not keep up makes this grow. */
  get backlog(): number {
    return this.res.writableLength;
  }

  send(event: string, data: unknown): void {
    if (this.signal.aborted) return;
    this.res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  end(): void {
    this.controller.abort();
    this.res.end();
  }
}
