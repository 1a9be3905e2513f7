// Shared by the Kafka-protocol tests: a quiet broker with a Kafka listener on free loopback ports, temporary
// directories, and real Kafka clients run as child processes (kafka-python through Debian's python3, kcat),
// each with a time limit and killed by its own pid.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBroker, type Broker, type BrokerOptions } from '@klog/broker';
import { afterAll, beforeAll } from 'vitest';

const dirs: string[] = [];

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'klog-kafka-test-'));
  dirs.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export type KafkaBroker = Broker & { kafkaPort: number };

/** A silent broker on 127.0.0.1 serving both protocols on free ports (or the given ones, for restarts). */
export async function startKafkaBroker(opts: Partial<BrokerOptions> = {}): Promise<KafkaBroker> {
  const broker = await startBroker({ dataDir: opts.dataDir ?? tempDir(), port: 0, kafkaPort: 0, logLevel: 'silent', ...opts });
  if (broker.kafkaPort === undefined) throw new Error('the broker did not start its Kafka listener');
  return broker as KafkaBroker;
}

/**
 * A broker for the enclosing describe block, started in its beforeAll once `tool` is present (a missing tool fails
 * the block with how to install it, never a silent pass) and closed in its afterAll. Read it through the getter.
 */
export function useKafkaBroker(tool: 'kcat' | 'kafka-python', opts: Partial<BrokerOptions> = {}): () => KafkaBroker {
  let broker: KafkaBroker | undefined;
  beforeAll(async () => {
    const missing = missingTool(tool);
    if (missing) throw new Error(missing);
    broker = await startKafkaBroker(opts);
  });
  afterAll(async () => broker?.close());
  return () => {
    if (broker === undefined) throw new Error('the broker is not started: use it inside a test');
    return broker;
  };
}

export function bootstrap(broker: KafkaBroker): string {
  return `127.0.0.1:${broker.kafkaPort}`;
}

/** Debian's python3 sees Debian's python3-kafka; a pyenv python3 earlier on PATH does not. */
export const PYTHON = '/usr/bin/python3';

/**
 * Why a client tool cannot run, or null when it can. Tests call this in a beforeAll and fail with the message:
 * a missing tool must show as a failure (install it with `sh scripts/test-deps.sh`), never as a silent pass.
 */
export function missingTool(tool: 'kcat' | 'kafka-python'): string | null {
  const probe = tool === 'kcat' ? spawnSync('kcat', ['-V']) : spawnSync(PYTHON, ['-c', 'import kafka']);
  if (probe.status === 0) return null;
  const pkg = tool === 'kcat' ? 'kcat' : 'python3-kafka';
  return `${tool} is not available (${probe.error?.message ?? probe.stderr.toString().trim()}); `
    + `install it with "sh scripts/test-deps.sh" (as root) or "apt-get install ${pkg}"`;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface Running {
  readonly done: Promise<RunResult>;
  /** Asks the process to stop (SIGTERM, by its pid), and kills it (SIGKILL) if it has not after 2 s. */
  stop(): void;
}

/** Starts a command; stdin, when given, is written and closed. */
export function start(command: string, args: string[], opts: { stdin?: string | Buffer } = {}): Running {
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => out.push(c));
  child.stderr.on('data', (c: Buffer) => err.push(c));
  child.stdin.on('error', () => undefined); // a child that exits early closes its stdin
  child.stdin.end(opts.stdin ?? '');
  let killTimer: NodeJS.Timeout | undefined;
  const done = new Promise<RunResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(killTimer);
      resolve({ code, signal, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() });
    });
  });
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  return {
    done,
    stop() {
      if (exited() || child.pid === undefined) return;
      process.kill(child.pid, 'SIGTERM');
      killTimer = setTimeout(() => {
        if (!exited() && child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
      }, 2_000);
    },
  };
}

/** Runs a command to its end, or stops it after timeoutMs. */
export function run(command: string, args: string[], opts: { stdin?: string | Buffer; timeoutMs: number }): Promise<RunResult> {
  const running = start(command, args, opts);
  const timer = setTimeout(() => running.stop(), opts.timeoutMs);
  return running.done.finally(() => clearTimeout(timer));
}

/** Polls a condition until it holds, or fails after timeoutMs naming what was awaited. */
export async function waitUntil(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Runs a Python script (written to a temporary file) with Debian's python3 and the given arguments. */
export function runPython(script: string, args: string[], timeoutMs: number): Promise<RunResult> {
  const file = join(tempDir(), 'script.py');
  writeFileSync(file, script);
  return run(PYTHON, [file, ...args], { timeoutMs });
}

/** Parses one JSON document per non-empty line of a tool's output. */
export function jsonLines<T>(text: string): T[] {
  return text.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as T);
}
