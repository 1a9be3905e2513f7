import { fileURLToPath } from 'node:url';
import { freePort } from '../free-port.js';
import { ServerProcess } from '../server-process.js';
import { tempDataDir } from '../temp-dir.js';

/** The bench's broker entry (one level up in dist, as in src). */
const SERVER_ENTRY = fileURLToPath(new URL('../klog-broker-server.js', import.meta.url));

/** A klog broker in a child process (fsync 'never'), so its CPU and RSS are measured apart from the clients. */
export interface BrokerChild {
  readonly pid: number;
  readonly address: string;
  stop(): Promise<void>;
}

export async function startBrokerChild(): Promise<BrokerChild> {
  const dir = tempDataDir('groups');
  const port = await freePort();
  const server = await ServerProcess.start('klog-broker', process.execPath, [SERVER_ENTRY, dir.path, String(port), JSON.stringify('never')], port);
  return {
    pid: server.pid,
    address: `127.0.0.1:${port}`,
    stop: async () => {
      await server.stop();
      dir.remove();
    },
  };
}
