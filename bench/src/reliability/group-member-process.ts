import { spawn, type ChildProcess } from 'node:child_process';
import { onLines } from './child-lines.js';
import { GROUP_CONSUMER_SCRIPT } from './fixture-scripts.js';

export interface MemberOptions {
  port: number;
  topic: string;
  groupId: string;
  autoCommitIntervalMs: number;
  sessionTimeoutMs: number;
}

/** A group member with auto-commit running in a child process, and what it reported as processed. */
export interface MemberProcess {
  readonly pid: number;
  /** "<partition> <offset>" of each record it processed, in order. */
  readonly processed: string[];
  /** SIGKILL; resolves once the process is gone and everything it wrote has been read. */
  kill(): Promise<void>;
  /** SIGTERM: commits and leaves the group. */
  stop(): Promise<void>;
}

export function spawnMember(opts: MemberOptions, onProcessed: (key: string) => void): MemberProcess {
  const child: ChildProcess = spawn(process.execPath, [GROUP_CONSUMER_SCRIPT, JSON.stringify(opts)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const processed: string[] = [];
  onLines(child.stdout!, (line) => {
    processed.push(line);
    onProcessed(line);
  });
  // 'close' comes after the exit and after the stdout pipe is drained.
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  return {
    pid: child.pid!,
    processed,
    kill: () => {
      child.kill('SIGKILL');
      return closed;
    },
    stop: () => {
      child.kill('SIGTERM');
      return closed;
    },
  };
}
