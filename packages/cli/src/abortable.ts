/**
 * The items of `source` until `signal` aborts. Without this, a Ctrl-C while `for await` waits on stdin would only be
 * noticed once the next line (or EOF) arrived; here the wait ends at once and the source is closed.
 */
export async function* untilAborted<T>(source: AsyncIterable<T>, signal: AbortSignal): AsyncGenerator<T> {
  const it = source[Symbol.asyncIterator]();
  const aborted = new Promise<IteratorResult<T>>((resolve) => {
    const end = (): void => resolve({ done: true, value: undefined });
    if (signal.aborted) end();
    else signal.addEventListener('abort', end, { once: true });
  });
  let finished = false;
  try {
    for (;;) {
      const next = it.next();
      next.catch(() => undefined); // a read failing after the abort is of no interest
      const r = await Promise.race([next, aborted]);
      if (r.done) {
        finished = !signal.aborted;
        return;
      }
      yield r.value;
    }
  } finally {
    // Not awaited: closing stdin waits for a read in progress, which may never complete (a terminal, an open pipe).
    if (!finished) void it.return?.()?.catch?.(() => undefined);
  }
}
