// A long-running client process (a consumer-group member) whose stdout is followed line by line while it runs:
// each line is one JSON document. Stopped by its own pid (SIGTERM, then SIGKILL after 5 s).
import { spawn } from 'node:child_process';

export interface Member<T> {
  /** The JSON documents printed so far. */
  readonly docs: T[];
  stderr(): string;
  /** Asks it to stop (SIGTERM) and resolves with its exit code once it has; SIGKILL after 5 s. */
  stop(): Promise<number | null>;
  readonly exited: Promise<number | null>;
}

export function startMember<T>(command: string, args: string[]): Member<T> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const docs: T[] = [];
  let pending = '';
  const err: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) if (line.trim() !== '') docs.push(JSON.parse(line) as T);
  });
  child.stderr.on('data', (c: Buffer) => err.push(c));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code));
  });
  const running = () => child.exitCode === null && child.signalCode === null;
  return {
    docs,
    exited,
    stderr: () => Buffer.concat(err).toString(),
    stop() {
      if (running() && child.pid !== undefined) {
        process.kill(child.pid, 'SIGTERM');
        const timer = setTimeout(() => { if (running() && child.pid !== undefined) process.kill(child.pid, 'SIGKILL'); }, 5_000);
        void exited.finally(() => clearTimeout(timer));
      }
      return exited;
    },
  };
}
