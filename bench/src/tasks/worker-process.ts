import { fork, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { reapOnExit } from '../child-reaper.js';
import { cpuProfileArgs } from '../cpu-profile.js';
import { cpuSeconds } from '../proc-stats.js';
import type { FromTaskWorker, TaskWorkerConfig, ToTaskWorker } from './protocol.js';

const CHILD = fileURLToPath(new URL('./worker-child.js', import.meta.url));

/** A worker process of the tasks suite (worker-child.ts): started, measured and stopped by its PID only. */
export class TaskWorkerProcess {
  readonly pid: number;
  private readonly exited: Promise<void>;
  private readonly ready: Promise<void>;

  private constructor(private readonly child: ChildProcess) {
    if (child.pid === undefined) throw new Error('could not start a tasks worker process');
    this.pid = child.pid;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    reapOnExit(this.pid, this.exited);
    this.ready = new Promise((resolve, reject) => {
      child.on('message', (msg: FromTaskWorker) => {
        if (msg.type === 'ready') resolve();
        else reject(new Error(`tasks worker process ${this.pid}: ${msg.message}`));
      });
      void this.exited.then(() => reject(new Error(`tasks worker process ${this.pid} exited before it was ready`)));
    });
    this.ready.catch(() => undefined); // awaited by startAll; an early exit must not crash the process first
  }

  /** Starts `count` processes and resolves once every one takes tasks. */
  static async startAll(count: number, config: TaskWorkerConfig): Promise<TaskWorkerProcess[]> {
    const all = Array.from({ length: count }, () =>
      new TaskWorkerProcess(fork(CHILD, [JSON.stringify(config)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: [...process.execArgv, ...cpuProfileArgs()] })));
    try {
      await Promise.all(all.map((w) => w.ready));
    } catch (err) {
      await Promise.all(all.map((w) => w.stop()));
      throw err;
    }
    return all;
  }

  /** User + system CPU seconds so far (0 once it has exited). */
  cpuSeconds(): number {
    return cpuSeconds(this.pid) ?? 0;
  }

  /** Asks it to close its worker; SIGKILL by PID if it has not exited in five seconds. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    if (this.child.connected) this.child.send({ type: 'stop' } satisfies ToTaskWorker);
    const timedOut = await Promise.race([this.exited.then(() => false), sleep(5_000).then(() => true)]);
    if (timedOut) {
      process.kill(this.pid, 'SIGKILL');
      await this.exited;
    }
  }
}
