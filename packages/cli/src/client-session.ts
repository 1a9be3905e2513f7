import { createClient, type Client } from '@klog/client';
import { resolveBrokerAddress } from './broker-address.js';

/** Options every client command accepts. */
export interface BrokerArgs {
  broker?: string;
}

/** Runs `fn` with a client for the chosen broker, and closes the client however `fn` ends. */
export async function withClient<T>(args: BrokerArgs, env: NodeJS.ProcessEnv, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = createClient({ brokers: [resolveBrokerAddress(args.broker, env)], clientId: 'klog-cli' });
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
}
