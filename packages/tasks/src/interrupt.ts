/**
 * How an attempt is stopped early (revoke, shutdown, a failed end): an AbortController whose signal is made only
 * when someone asks for it. Most handlers never read ctx.signal, and making an AbortSignal per task showed in the
 * worker's profile; `aborted`, `reason` and `onAbort` serve the worker without one.
 */
export class Interrupt {
  private controller: AbortController | undefined;
  private why: string | undefined;
  private listeners: (() => void)[] | undefined;

  get aborted(): boolean {
    return this.why !== undefined;
  }

  get reason(): string | undefined {
    return this.why;
  }

  /** ctx.signal: aborted (with the same reason) whenever this is, before or after it was asked for. */
  get signal(): AbortSignal {
    this.controller ??= new AbortController();
    if (this.why !== undefined && !this.controller.signal.aborted) this.controller.abort(this.why);
    return this.controller.signal;
  }

  abort(why: string): void {
    if (this.why !== undefined) return;
    this.why = why;
    this.controller?.abort(why);
    const listeners = this.listeners;
    this.listeners = undefined;
    if (listeners !== undefined) for (const fn of listeners) fn();
  }

  /** Calls `fn` once, when this is aborted (not if it already was); returns how to stop listening. */
  onAbort(fn: () => void): () => void {
    (this.listeners ??= []).push(fn);
    return () => {
      const i = this.listeners?.indexOf(fn) ?? -1;
      if (i >= 0) this.listeners!.splice(i, 1);
    };
  }
}
