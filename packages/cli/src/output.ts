/**
 * Data output (stdout) that respects back-pressure and treats a reader that went away (EPIPE, as with
 * `klog consume t | head -3`) as a normal end: later writes are dropped and `onGone` lets the command stop.
 */
export class Output {
  private gone = false;
  private readonly goneWaiters = new Set<() => void>();

  constructor(private readonly stream: NodeJS.WriteStream, private readonly onGone: () => void) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
      this.readerGone();
    });
  }

  /** The reader went away (a failed write said so, or a watcher noticed while nothing was written). */
  readerGone(): void {
    if (this.gone) return;
    this.gone = true;
    for (const wake of this.goneWaiters) wake();
    this.onGone();
  }

  /** Whether the reader went away: what is written now reaches no one. */
  get readerIsGone(): boolean {
    return this.gone;
  }

  /** Writes a chunk; the promise (when there is one) resolves once the stream wants more. */
  write(chunk: string | Buffer): Promise<void> | undefined {
    if (this.gone || this.stream.write(chunk)) return undefined;
    return new Promise((resolve) => {
      const done = (): void => {
        this.goneWaiters.delete(done);
        this.stream.off('drain', done);
        resolve();
      };
      this.goneWaiters.add(done);
      this.stream.once('drain', done);
    });
  }

  /** Resolves once everything written so far has been handed to the OS (or the reader is gone). */
  flushed(): Promise<void> {
    if (this.gone) return Promise.resolve();
    return new Promise((resolve) => {
      this.goneWaiters.add(resolve);
      this.stream.write('', () => resolve());
    });
  }
}
