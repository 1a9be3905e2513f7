import { spawn } from 'node:child_process';
import { fstatSync } from 'node:fs';

/**
 * Calls `onGone` when the reader of stdout goes away while klog has nothing to write (`klog consume t | head -1`
 * waiting for a second record). A pipe whose reader closed only tells a writer so when it writes, and Node cannot
 * poll an fd for that; GNU `tail -f` does (it exits on a broken stdout pipe), so a `tail -f /dev/null` sharing our
 * stdout is the sentinel. `--pid` ends it within a second of klog however klog ends. Where there is no GNU tail,
 * nothing changes: the closed pipe is noticed at the next write, as before. Returns a function that stops watching.
 */
export function watchStdoutReader(onGone: () => void): () => void {
  let pipe = false;
  try {
    const st = fstatSync(1);
    pipe = st.isFIFO() || st.isSocket();
  } catch {
    pipe = false;
  }
  if (!pipe) return () => undefined;
  const sentinel = spawn('tail', ['-f', `--pid=${process.pid}`, '/dev/null'], { stdio: ['ignore', 'inherit', 'ignore'] });
  let stopped = false;
  let started = false;
  sentinel.on('spawn', () => (started = true));
  sentinel.on('error', () => undefined);
  sentinel.on('exit', (_code, signal) => {
    // Only SIGPIPE says the pipe broke: a tail without --pid (busybox) exits 1 at once, which must change nothing.
    if (started && !stopped && signal === 'SIGPIPE') onGone();
  });
  sentinel.unref();
  const stop = (): void => {
    stopped = true;
    if (sentinel.exitCode === null && sentinel.signalCode === null) sentinel.kill();
    process.off('exit', stop);
  };
  process.on('exit', stop);
  return stop;
}
