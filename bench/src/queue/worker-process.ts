import { fork, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { reapOnExit } from '../child-reaper.js';
import { cpuProfileArgs } from '../cpu-profile.js';
import type { FromWorker, ToWorker, WorkerConfig } from './worker-protocol.js';

const CHILD = fileURLToPath(new URL('./worker-child.js', import.meta.url));

/** A process of queue workers (worker-child.ts), driven over the IPC channel and signalled by its PID only. */
export class WorkerProcess {
  readonly pid: number;
  /** Resolves once every worker in it is connected. */
  readonly ready: Promise<void>;
  delivered = 0;
  accepted = 0;
  /** Epoch ms of its latest acceptance. */
  lastAcceptedAt = 0;
  private readonly exited: Promise<void>;
  private listeners: (() => void)[] = [];

  private constructor(private readonly child: ChildProcess) {
    if (child.pid === undefined) throw new Error('could not start a queue worker process');
    this.pid = child.pid;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    reapOnExit(this.pid, this.exited);
    this.ready = new Promise((resolve, reject) => {
      child.on('message', (msg: FromWorker) => {
        if (msg.type === 'ready') resolve();
        else if (msg.type === 'failed') reject(new Error(`queue worker process ${this.pid}: ${msg.message}`));
        else {
          ({ delivered: this.delivered, accepted: this.accepted, lastAcceptedAt: this.lastAcceptedAt } = msg);
          for (const l of this.listeners) l();
        }
      });
      void this.exited.then(() => reject(new Error(`queue worker process ${this.pid} exited before it was ready`)));
    });
    this.ready.catch(() => undefined); // awaited by the caller; an early exit must not crash the process first
  }

  static start(config: WorkerConfig): WorkerProcess {
    return new WorkerProcess(fork(CHILD, [JSON.stringify(config)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: [...process.execArgv, ...cpuProfileArgs()] }));
  }

  /** Calls `listener` on every progress report. */
  onProgress(listener: () => void): void {
    this.listeners.push(listener);
  }

  go(): void {
    this.send({ type: 'go' });
  }

  /** Sends `signal` to this process (kill -9 or SIGSTOP in the redelivery measurement). */
  signal(signal: NodeJS.Signals): void {
    process.kill(this.pid, signal);
  }

  /** Asks the workers to close; SIGKILL by PID if the process has not exited in five seconds. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    if (this.child.connected) this.send({ type: 'stop' });
    const timedOut = await Promise.race([this.exited.then(() => false), sleep(5_000).then(() => true)]);
    if (timedOut) {
      process.kill(this.pid, 'SIGKILL');
      await this.exited;
    }
  }

  private send(msg: ToWorker): void {
    // A child just killed (the redelivery measurement's kill -9) may not have been seen to exit yet: the send then
    // fails with EPIPE, which, without this callback, is an 'error' event that ends the whole benchmark. Its exit
    // follows, which stop() waits for; a lost `go` shows as a stalled run.
    this.child.send(msg, () => undefined);
  }
}
