import { existsSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBinary } from '../ensure-binary.js';
import { freePort } from '../free-port.js';
import { ServerProcess } from '../server-process.js';
import { tempDataDir } from '../temp-dir.js';

/**
 * A private RabbitMQ node: its own data, log and config in a temporary directory, its own Erlang port mapper
 * (epmd) on a free port, every listener on 127.0.0.1. Nothing of the system's service (systemd unit, /var/lib)
 * is used or touched.
 */

/**
 * Debian's start script proper. /usr/sbin/rabbitmq-server wraps it in `su rabbitmq` when run as root, which
 * would put a shell between us and the VM; this script execs the VM, so the PID we hold is the broker's.
 */
const DEBIAN_SCRIPT = '/usr/lib/rabbitmq/bin/rabbitmq-server';

export interface RabbitNode {
  /** The Erlang VM's PID (the broker). */
  readonly pid: number;
  readonly amqpUrl: string;
  stop(): Promise<void>;
}

/** Where the start script is, installing Debian's rabbitmq-server when missing; or why it cannot run. */
export function locateRabbit(): { script: string; version: string } | { reason: string } {
  const found = ensureBinary('rabbitmq-server', 'rabbitmq-server');
  if ('reason' in found) return found;
  if (!existsSync(DEBIAN_SCRIPT)) return { reason: `rabbitmq-server found but not Debian's layout (${DEBIAN_SCRIPT} is missing)` };
  const epmd = ensureBinary('epmd', 'erlang-base');
  if ('reason' in epmd) return epmd;
  // The script links into .../rabbitmq_server-<version>/sbin.
  const version = /rabbitmq_server-([\d.]+)/.exec(realpathSync(DEBIAN_SCRIPT))?.[1] ?? 'unknown';
  return { script: DEBIAN_SCRIPT, version };
}

export async function startRabbitNode(script: string): Promise<RabbitNode> {
  const dir = tempDataDir('rabbitmq');
  const [amqpPort, distPort, epmdPort] = [await freePort(), await freePort(), await freePort()];
  const epmd = await ServerProcess.start('epmd', 'epmd', ['-port', String(epmdPort), '-address', '127.0.0.1'], epmdPort);
  // An empty plugin list and config: the broker as Debian ships it, nothing more.
  writeFileSync(join(dir.path, 'enabled_plugins'), '[].\n');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    // The Erlang cookie is written to $HOME.
    HOME: dir.path,
    RABBITMQ_NODENAME: `klog-bench-${amqpPort}@localhost`,
    RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
    RABBITMQ_NODE_PORT: String(amqpPort),
    RABBITMQ_DIST_PORT: String(distPort),
    RABBITMQ_MNESIA_BASE: join(dir.path, 'mnesia'),
    RABBITMQ_LOG_BASE: join(dir.path, 'log'),
    RABBITMQ_PID_FILE: join(dir.path, 'pid'),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(dir.path, 'enabled_plugins'),
    RABBITMQ_CONFIG_FILE: join(dir.path, 'rabbitmq'),
    RABBITMQ_ADVANCED_CONFIG_FILE: join(dir.path, 'advanced.config'),
    RABBITMQ_CONF_ENV_FILE: join(dir.path, 'rabbitmq-env.conf'),
    // Set, the script execs the VM rather than waiting on it in a shell; -noinput keeps the VM's shell off.
    RABBITMQ_ALLOW_INPUT: 'true',
    // Our epmd, not one the VM would start (and leave running) on the shared port 4369; distribution on loopback.
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: '-noinput -start_epmd false -kernel inet_dist_use_interface {127,0,0,1}',
    ERL_EPMD_PORT: String(epmdPort),
    ERL_EPMD_ADDRESS: '127.0.0.1',
  };
  let broker: ServerProcess;
  try {
    broker = await ServerProcess.start('rabbitmq-server', script, [], amqpPort, env);
  } catch (err) {
    await epmd.stop();
    dir.remove();
    throw err;
  }
  return {
    pid: broker.pid,
    amqpUrl: `amqp://guest:guest@127.0.0.1:${amqpPort}`,
    async stop() {
      await broker.stop();
      await epmd.stop();
      dir.remove();
    },
  };
}
