import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { reapOnExit } from './child-reaper.js';
import { childCpuSeconds } from './c-client-output.js';

export interface TimedChildResult {
  seconds: number;
  /** User + system CPU of the command, as its parent shell's `times` reports it once the command has exited. */
  cpuSeconds: number;
  stdout: string;
  stderr: string;
}

/**
 * The command runs under `sh`, which waits for it and then prints `times`: the only way to get the CPU a
 * finished child used (Node reaps its children itself and gives no rusage for them). Its stdout is discarded
 * (`discard`, e.g. a consumer's million records) or kept; its stderr is kept (the last 64 KiB).
 */
const SCRIPT = 'out=$1; shift; if [ "$out" = keep ]; then "$@"; else "$@" > /dev/null; fi; s=$?; times >&2; exit $s';
const STDERR_KEPT = 64 * 1024;

/** Runs `command args`, failing with its stderr when it exits non-zero or outlives `timeoutMs` (then SIGKILLed by PID). */
export function runTimedChild(command: string, args: string[], stdout: 'keep' | 'discard', timeoutMs: number): Promise<TimedChildResult> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    // Its own process group (detached), so that a timeout kills the command with the shell, by the group's id.
    const child = spawn('sh', ['-c', SCRIPT, 'sh', stdout, command, ...args], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err = (err + chunk.toString()).slice(-STDERR_KEPT)));
    const exited = new Promise<void>((done) => child.once('close', () => done()));
    if (child.pid !== undefined) reapOnExit(child.pid, exited);
    const pid = child.pid;
    const timer = setTimeout(() => {
      if (pid !== undefined) process.kill(-pid, 'SIGKILL');
    }, timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const seconds = (performance.now() - t0) / 1000;
      const cpu = childCpuSeconds(err);
      if (code !== 0 || cpu === null) {
        reject(new Error(`${command} ${signal ? `killed by ${signal} (timeout ${timeoutMs} ms)` : `exited with ${code}`}: ${err.trim().slice(-500)}`));
        return;
      }
      resolve({ seconds, cpuSeconds: cpu, stdout: out, stderr: err });
    });
  });
}
