import { spawn, type ChildProcess } from 'node:child_process';
import { rssBytes } from '../proc-stats.js';
import { onLines } from './child-lines.js';
import { BROKER_SCRIPT } from './fixture-scripts.js';

export interface BrokerProcessOptions {
  dataDir: string;
  /** 0 picks a free port (first start); restarts pass the port the broker had. */
  port?: number;
  /** 'always' | 'never' | interval in ms. */
  fsync: 'always' | 'never' | number;
  logLevel?: string;
  /** Any other BrokerOptions (JSON-serialisable), e.g. maxConnections. */
  extra?: Record<string, unknown>;
}

export interface RecoveryStats {
  recoveredPartitions: number;
  truncatedBytes: number;
  rebuiltIndexes: number;
}

/** A broker running in a child process that this process spawned (and so may signal). */
export interface BrokerProcess {
  readonly pid: number;
  readonly port: number;
  /** Milliseconds from spawn to the broker's "listening" line: process start plus store recovery. */
  readonly startMs: number;
  readonly stats: RecoveryStats;
  /** The broker's log (pino JSON on stderr), one entry per line, as it arrives. */
  readonly logLines: string[];
  /** Resolves with the exit code (null when killed by a signal) once the process is gone. */
  readonly exited: Promise<number | null>;
  rssBytes(): number | null;
  /** SIGKILL: the crash under test. Resolves once the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM: clean shutdown. Resolves with the exit code. */
  stop(): Promise<number | null>;
}

export class BrokerStartError extends Error {}

/** Spawns `node broker-process.mjs` and waits for it to listen (rejects if it exits first). */
export function spawnBroker(opts: BrokerProcessOptions): Promise<BrokerProcess> {
  const args = JSON.stringify({ dataDir: opts.dataDir, port: opts.port ?? 0, fsync: opts.fsync, logLevel: opts.logLevel ?? 'warn', ...opts.extra });
  const started = performance.now();
  const child = spawn(process.execPath, [BROKER_SCRIPT, args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const logLines: string[] = [];
  onLines(child.stderr!, (line) => logLines.push(line));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    exited.then((code) => reject(new BrokerStartError(`broker exited with ${code} before listening:\n${logLines.join('\n')}`)));
    onLines(child.stdout!, (line) => {
      const ready = JSON.parse(line) as { listening: number; stats: RecoveryStats };
      resolve(handle(child, { port: ready.listening, stats: ready.stats, startMs: performance.now() - started, logLines, exited }));
    });
  });
}

function handle(child: ChildProcess, s: { port: number; stats: RecoveryStats; startMs: number; logLines: string[]; exited: Promise<number | null> }): BrokerProcess {
  const pid = child.pid!;
  return {
    pid,
    ...s,
    rssBytes: () => rssBytes(pid),
    kill: async () => {
      child.kill('SIGKILL');
      await s.exited;
    },
    stop: () => {
      child.kill('SIGTERM');
      return s.exited;
    },
  };
}

/** pino log entries of a level (40 = warn) whose message includes `text`. */
export function logEntries(lines: string[], level: number, text = ''): Record<string, unknown>[] {
  return lines
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((e) => e.level === level && String(e.msg).includes(text));
}
