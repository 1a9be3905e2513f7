import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { reapOnExit } from './child-reaper.js';

/**
 * The producers suite: several producer processes (producer-child.ts) against one broker. They are started
 * and connected before the measurement, then told to go at once; the figure is all their records over the
 * time until the last one has finished.
 */

const CHILD = fileURLToPath(new URL('./producer-child.js', import.meta.url));
/** Starting and connecting, on a loaded machine. */
const READY_TIMEOUT_MS = 60_000;

interface ChildResult {
  seconds: number;
  cpuSeconds: number;
}

class ProducerProcess {
  private out = '';
  private err = '';
  readonly exited: Promise<number | null>;

  constructor(readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.on('data', (chunk: Buffer) => (this.out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (this.err = (this.err + chunk.toString()).slice(-2000)));
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    if (child.pid !== undefined) reapOnExit(child.pid, this.exited);
  }

  /** Resolves when the child prints `line`, fails if it exits first or takes longer than `timeoutMs`. */
  async waitFor(prefix: string, timeoutMs: number): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const line = this.out.split('\n').find((l) => l.startsWith(prefix));
      if (line !== undefined) return line;
      if (this.child.exitCode !== null) throw new Error(`producer process exited (${this.child.exitCode}) before ${prefix}: ${this.err.trim()}`);
      if (Date.now() > deadline) throw new Error(`producer process gave no ${prefix} within ${timeoutMs} ms: ${this.err.trim()}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** Waits up to `graceMs` for the child to exit by itself (it does once done), then SIGKILLs it by PID. */
  async stop(graceMs: number): Promise<void> {
    const timedOut = await Promise.race([this.exited.then(() => false), new Promise<boolean>((resolve) => setTimeout(() => resolve(true), graceMs).unref())]);
    if (timedOut && this.child.exitCode === null && this.child.signalCode === null && this.child.pid !== undefined) process.kill(this.child.pid, 'SIGKILL');
    await this.exited;
  }
}

export class ProducerProcesses {
  private constructor(private readonly children: ProducerProcess[]) {}

  /** Starts `processes` producers of records/processes records each, and waits until every one is connected. */
  static async start(processes: number, address: string, topic: string, records: number, keyBytes: number, valueBytes: number): Promise<ProducerProcesses> {
    const children: ProducerProcess[] = [];
    const group = new ProducerProcesses(children);
    try {
      for (let i = 0; i < processes; i++) {
        const share = Math.floor(records / processes) + (i < records % processes ? 1 : 0);
        const args = [CHILD, address, topic, String(share), String(keyBytes), String(valueBytes)];
        children.push(new ProducerProcess(spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] })));
      }
      await Promise.all(children.map((c) => c.waitFor('READY', READY_TIMEOUT_MS)));
      return group;
    } catch (err) {
      await group.stop(0);
      throw err;
    }
  }

  /** Tells every producer to go; resolves with their summed CPU once the last has finished. */
  async run(timeoutMs: number): Promise<{ clientCpuSeconds: number }> {
    for (const c of this.children) c.child.stdin.write('GO\n');
    const lines = await Promise.all(this.children.map((c) => c.waitFor('RESULT ', timeoutMs)));
    const results = lines.map((l) => JSON.parse(l.slice('RESULT '.length)) as ChildResult);
    return { clientCpuSeconds: results.reduce((sum, r) => sum + r.cpuSeconds, 0) };
  }

  /** Stops every child by PID: at once (`graceMs` 0, after a failure), or once given time to close its client. */
  async stop(graceMs = 5_000): Promise<void> {
    await Promise.all(this.children.map((c) => c.stop(graceMs)));
  }
}
