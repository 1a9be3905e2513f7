import { fork, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { MemberConfig, MemberDone, ToMember } from './member-protocol.js';
import { reapOnExit } from '../child-reaper.js';

const CHILD = fileURLToPath(new URL('./member-child.js', import.meta.url));


/** A group member in a child process of its own (member-child.ts), driven over the IPC channel. */
export class MemberProcess {
  readonly pid: number;
  /** Resolves with the member's report once it has processed its partitions up to the ends given with go(). */
  readonly done: Promise<MemberDone>;
  private readonly exited: Promise<void>;

  constructor(private readonly child: ChildProcess) {
    if (child.pid === undefined) throw new Error('could not start a member process');
    this.pid = child.pid;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    reapOnExit(this.pid, this.exited);
    this.done = new Promise((resolve, reject) => {
      child.on('message', (msg: MemberDone) => resolve(msg));
      void this.exited.then(() => reject(new Error(`member process ${this.pid} exited before it was done`)));
    });
    this.done.catch(() => undefined); // awaited by the caller; an early exit must not crash the process first
  }

  static start(config: MemberConfig): MemberProcess {
    return new MemberProcess(fork(CHILD, [JSON.stringify(config)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  }

  go(ends: number[]): void {
    this.send({ type: 'go', ends });
  }

  /** Asks the member to close (commit, leave the group); SIGKILL by PID if it has not exited in five seconds. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.send({ type: 'stop' });
    const timedOut = await Promise.race([this.exited.then(() => false), sleep(5_000).then(() => true)]);
    if (timedOut) {
      process.kill(this.pid, 'SIGKILL');
      await this.exited;
    }
  }

  private send(msg: ToMember): void {
    this.child.send(msg);
  }
}
