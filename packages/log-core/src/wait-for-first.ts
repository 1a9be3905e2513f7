/**
 * One wait, ended by the first of its sources: an append to one of several partitions, a timer, an abort signal,
 * a wake-up call. At the end every source is let go (its cancel called), so nothing outlives the wait.
 *
 * Why not Promise.race over a promise per source and an AbortController to end the rest: that costs a controller,
 * its signal, an abort event and a listener per source for every wait, and a broker ends a wait for every
 * long-poll it answers. Here a wait is this object, one promise and a cancel function per source.
 */
export class WaitForFirst {
  readonly promise: Promise<void>;
  private resolve!: () => void;
  private cancels: (() => void)[] = [];
  private over = false;

  constructor() {
    this.promise = new Promise<void>((resolve) => {
      this.resolve = resolve;
    });
  }

  get ended(): boolean {
    return this.over;
  }

  /** Ends the wait (again: nothing). Bound, so it can be handed out as the sources' callback. */
  readonly end = (): void => {
    if (this.over) return;
    this.over = true;
    const cancels = this.cancels;
    this.cancels = [];
    for (const cancel of cancels) cancel();
    this.resolve();
  };

  /**
   * A source, by its cancel (called at the end). Null stands for a source that has fired already (the append
   * is there): the wait ends now. Added to an ended wait, the source is cancelled at once.
   */
  add(cancel: (() => void) | null): void {
    if (cancel === null) this.end();
    else if (this.over) cancel();
    else this.cancels.push(cancel);
  }

  /** Ends when `signal` aborts (now, if it has). */
  addSignal(signal: AbortSignal): void {
    if (signal.aborted) return this.end();
    signal.addEventListener('abort', this.end, { once: true });
    this.add(() => signal.removeEventListener('abort', this.end));
  }

  /** Ends after `ms` (a plain Node timer). */
  addTimeout(ms: number): void {
    if (this.over) return;
    const timer = setTimeout(this.end, Math.max(0, ms));
    this.add(() => clearTimeout(timer));
  }
}
