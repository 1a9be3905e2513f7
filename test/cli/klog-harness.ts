import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startBroker, type Broker } from '../../packages/broker/src/index.js';

/** The built `klog` command, as users run it (`npm test` builds it first). */
export const KLOG_BIN = resolve(import.meta.dirname, '../../packages/cli/dist/bin.js');

export interface KlogResult {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

export interface TestBroker {
  broker: Broker;
  address: string;
  stop(): Promise<void>;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function assertBuilt(): void {
  if (!existsSync(KLOG_BIN)) throw new Error(`${KLOG_BIN} is missing: build first with: sh scripts/pnpm -r build`);
}

/** A real broker in this process, on a free port of 127.0.0.1, on a fresh data directory. */
export async function startTestBroker(): Promise<TestBroker> {
  assertBuilt();
  const dataDir = tempDir('klog-cli-e2e-');
  const broker = await startBroker({ dataDir, host: '127.0.0.1', port: 0, logLevel: 'silent' });
  return {
    broker,
    address: `${broker.host}:${broker.port}`,
    stop: async () => {
      await broker.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A port nothing listens on (bound, then released), for the no-broker error. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  const { port } = server.address() as { port: number };
  await new Promise<void>((res) => server.close(() => res()));
  return port;
}

/** Starts `klog <args>` as a child process with KLOG_BROKER pointing at `broker` (when given). */
export function spawnKlog(args: string[], opts: { broker?: string; env?: NodeJS.ProcessEnv } = {}): ChildProcess {
  const env: NodeJS.ProcessEnv = { ...process.env, KLOG_DEBUG: '', ...opts.env };
  if (opts.broker) env.KLOG_BROKER = opts.broker;
  return spawn(process.execPath, [KLOG_BIN, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
}

/** Collects a child's output and exit code; `input` is written to its stdin (which is then closed). */
export function finish(child: ChildProcess, input?: string | Buffer): Promise<KlogResult> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout!.on('data', (c: Buffer) => out.push(c));
  child.stderr!.on('data', (c: Buffer) => err.push(c));
  child.stdin!.on('error', () => undefined);
  child.stdin!.end(input);
  return new Promise((resolveResult, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolveResult({ code, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString() }));
  });
}

export function runKlog(args: string[], opts: { broker?: string; input?: string | Buffer; env?: NodeJS.ProcessEnv } = {}): Promise<KlogResult> {
  return finish(spawnKlog(args, opts), opts.input);
}

/** Resolves with everything a stream has said once `done` holds for it. */
export function waitForText(stream: NodeJS.ReadableStream, done: (text: string) => boolean): Promise<string> {
  let text = '';
  return new Promise((resolveText, reject) => {
    const onData = (c: Buffer): void => {
      text += c.toString();
      if (done(text)) {
        stream.off('data', onData);
        resolveText(text);
      }
    };
    stream.on('data', onData);
    stream.once('end', () => (done(text) ? resolveText(text) : reject(new Error(`stream ended without the expected text; got: ${text}`))));
  });
}

export function lines(buf: Buffer | string): string[] {
  const text = buf.toString();
  return text === '' ? [] : text.replace(/\n$/, '').split('\n');
}

export interface ShellOptions {
  broker?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * Starts a shell pipeline in which `klog` stands for the built command, as the leader of a process group of its
 * own, so that a signal sent to `-child.pid` reaches the whole pipeline (as a terminal's Ctrl-C does).
 */
export function spawnShell(script: string, opts: ShellOptions = {}): ChildProcess {
  const env: NodeJS.ProcessEnv = { ...process.env, KLOG_DEBUG: '', ...opts.env, KLOG: `"${process.execPath}" "${KLOG_BIN}"` };
  if (opts.broker) env.KLOG_BROKER = opts.broker;
  // `klog` is a shell function running the built command, so a script reads as a person would type it.
  return spawn('sh', ['-c', `klog() { "${process.execPath}" "${KLOG_BIN}" "$@"; }\n${script}`], { env, cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
}

/** Runs a shell pipeline in which `klog` stands for the built command. */
export function runShell(script: string, opts: ShellOptions = {}): Promise<KlogResult> {
  return finish(spawnShell(script, opts));
}
