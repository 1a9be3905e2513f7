import { createClient, isKlogError, KlogError, type Client } from '@klog/client';
import { resolveBrokerAddress } from './broker-address.js';
import { clientNotices } from './client-notices.js';
import { isKafkaListener } from './kafka-probe.js';
import type { Runtime } from './runtime.js';
import { clientTls, type TlsArgs } from './tls-flags.js';
import { clientSasl, type UserArgs } from './user-flags.js';

/** Options every client command accepts. */
export interface BrokerArgs extends TlsArgs, UserArgs {
  broker?: string;
}

/** Runs `fn` with a client for the chosen broker, and closes the client however `fn` ends. */
export async function withClient<T>(args: BrokerArgs, rt: Runtime, fn: (client: Client) => Promise<T>): Promise<T> {
  const address = resolveBrokerAddress(args.broker, rt.env);
  const tls = clientTls(args, rt.env);
  const sasl = await clientSasl(args, rt.env);
  const client = createClient({ brokers: [address], clientId: 'klog-cli', logger: clientNotices(rt.note), tls, sasl });
  try {
    return await fn(client);
  } catch (err) {
    // A Kafka listener hangs up on klog's protocol, which reads as a broker gone away: say what it really is.
    if (!tls && (isKlogError(err, 'CONNECTION_LOST') || isKlogError(err, 'BROKER_NOT_AVAILABLE')) && await isKafkaListener(address)) {
      throw new KlogError('INVALID_CONFIG',
        `${address} is a Kafka listener, not klog's native port: give --broker the broker's --port (7420 unless set), and the Kafka port to Kafka clients`, { cause: err });
    }
    throw err;
  } finally {
    await client.close();
  }
}
