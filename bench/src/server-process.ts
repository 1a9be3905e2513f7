import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { reapOnExit } from './child-reaper.js';


/** A peer server the benchmark spawned itself; stopped by its PID, never by name. */
export class ServerProcess {
  private readonly exited: Promise<void>;
  private stderrTail = '';

  private constructor(private readonly child: ChildProcess, readonly pid: number, readonly name: string) {
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    reapOnExit(pid, this.exited);
    const keep = (chunk: Buffer): void => {
      this.stderrTail = (this.stderrTail + chunk.toString()).slice(-2000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
  }

  /** Spawns `command` and resolves once it accepts TCP connections on 127.0.0.1:port. */
  static async start(name: string, command: string, args: string[], port: number, env?: NodeJS.ProcessEnv): Promise<ServerProcess> {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...(env === undefined ? {} : { env }) });
    if (child.pid === undefined) {
      await new Promise((resolve) => child.once('error', resolve));
      throw new Error(`${name}: could not spawn ${command}`);
    }
    const server = new ServerProcess(child, child.pid, name);
    // Generous: RabbitMQ boots an Erlang VM and takes several seconds on a loaded machine.
    const deadline = Date.now() + 30_000;
    while (!(await canConnect(port))) {
      if (child.exitCode !== null || Date.now() > deadline) {
        await server.stop();
        throw new Error(`${name} did not start listening on port ${port}:\n${server.stderrTail}`);
      }
      await sleep(50);
    }
    return server;
  }

  /** The last 2000 characters the server wrote, for error messages. */
  get outputTail(): string {
    return this.stderrTail;
  }

  /** SIGTERM by PID, then SIGKILL if it has not exited within five seconds. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    process.kill(this.pid, 'SIGTERM');
    const timedOut = await Promise.race([this.exited.then(() => false), sleep(5_000).then(() => true)]);
    if (timedOut) {
      process.kill(this.pid, 'SIGKILL');
      await this.exited;
    }
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
