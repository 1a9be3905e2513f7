// A writer process killed mid-stream, for the durability tests: it runs an ESM module (given as source) with node,
// prints one line per record it has had acknowledged, and is killed with SIGKILL (by its own handle) once it has
// printed enough; what it acknowledged must then be found on disk.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { tempDir } from './store-fixture.js';

/** Runs the writer until it has printed `acks` lines, kills it, and returns every complete line it printed. */
export async function writeUntilKilled(source: string, args: string[], acks: number): Promise<string[]> {
  const script = join(tempDir('klog-writer-'), 'writer.mjs');
  writeFileSync(script, source);
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const acked: string[] = [];
  let stderr = '';
  let partial = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  child.stdout.on('data', (d: Buffer) => {
    const lines = (partial + d.toString()).split('\n');
    partial = lines.pop()!;
    acked.push(...lines);
    if (acked.length >= acks && child.exitCode === null && !child.killed) child.kill('SIGKILL');
  });
  const signal = await exited;
  expect(signal, `writer exited on its own: ${stderr}`).toBe('SIGKILL');
  return acked;
}
