/**
 * PIDs of processes this benchmark started: killed (by PID) when it exits, so an aborted run leaves nothing
 * running behind it.
 */
const running = new Set<number>();
process.once('exit', () => {
  for (const pid of running) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

/** Remembers `pid` until `exited` settles. */
export function reapOnExit(pid: number, exited: Promise<unknown>): void {
  running.add(pid);
  void exited.then(() => running.delete(pid));
}
