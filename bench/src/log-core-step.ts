import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ChildResult } from './log-core-child.js';

/** One step of the log-core benchmark in a fresh process (log-core-child.ts), so its peak RSS and CPU are its own. */

const CHILD = fileURLToPath(new URL('./log-core-child.js', import.meta.url));
/** How long the fill child keeps appending after reaching the size before it is killed. */
const KILL_AFTER_MS = 250;

/** Runs a child step to completion; or, with killOnLine, SIGKILLs it (by PID) shortly after it prints that line. */
export function runChild(args: string[], killOnLine?: string): Promise<ChildResult | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (killOnLine && out.includes(`${killOnLine}\n`) && child.pid !== undefined) {
        const pid = child.pid;
        setTimeout(() => process.kill(pid, 'SIGKILL'), KILL_AFTER_MS);
        killOnLine = undefined;
      }
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      if (signal === 'SIGKILL') return resolve(null);
      if (code !== 0 || !line) return reject(new Error(`log-core step ${args[0]} failed (exit ${code ?? signal})`));
      resolve(JSON.parse(line.slice('RESULT '.length)) as ChildResult);
    });
  });
}

