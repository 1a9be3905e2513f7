/** Updates per second of the progress line: often enough to look alive, rarely enough to cost nothing. */
const REFRESH_MS = 250;

/**
 * Whether to draw a progress line: only for a person watching stderr, and not while that person types the records
 * (stdin a terminal), where the line would be drawn over what they type.
 */
export function wantsProgress(tty: { stderr: boolean; stdin: boolean }): boolean {
  return tty.stderr && !tty.stdin;
}

/**
 * A progress line on stderr ("produced 12,345 records, 40,000/s"), redrawn in place — only when `enabled`, so
 * pipes and log files never see it.
 */
export function startProgress(stderr: NodeJS.WriteStream, enabled: boolean, label: string): { count(n: number): void; stop(): void } {
  if (!enabled) return { count: () => undefined, stop: () => undefined };
  let total = 0;
  const started = Date.now();
  const draw = (): void => {
    const secs = Math.max((Date.now() - started) / 1000, 0.001);
    stderr.write(`\r\x1b[K${label} ${total.toLocaleString('en-US')} records, ${Math.round(total / secs).toLocaleString('en-US')}/s`);
  };
  const timer = setInterval(draw, REFRESH_MS);
  timer.unref();
  return {
    count: (n) => void (total += n),
    stop: () => {
      clearInterval(timer);
      draw();
      stderr.write('\n');
    },
  };
}
