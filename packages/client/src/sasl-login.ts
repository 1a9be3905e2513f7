import { KlogError } from '@klog/log-core';
import { parseScramMechanism, ScramClient, type RequestOf, type ResponseOf } from '@klog/protocol';

/** Who the client authenticates as, and how. */
export interface SaslOptions {
  /** 'scram-sha-256' or 'scram-sha-512' (either case). */
  mechanism: string;
  username: string;
  password: string;
}

/** Sends one request on the connection being set up (at the version both sides speak). */
export interface LoginChannel {
  saslHandshake(body: RequestOf<'saslHandshake'>): Promise<ResponseOf<'saslHandshake'>>;
  saslAuthenticate(body: RequestOf<'saslAuthenticate'>): Promise<ResponseOf<'saslAuthenticate'>>;
}

/**
 * Authenticates a fresh connection with SCRAM: saslHandshake chooses the mechanism, then two saslAuthenticate
 * round trips carry client-first/server-first and client-final/server-final. The broker's final message is
 * checked too, so a broker that does not hold the user's credential cannot pass for one that does.
 */
export async function saslLogin(channel: LoginChannel, sasl: SaslOptions, broker: string): Promise<void> {
  const mechanism = parseScramMechanism(sasl.mechanism);
  if (!sasl.username || !sasl.password) {
    throw new KlogError('INVALID_CONFIG', 'sasl needs a username and a password (the CLI reads the password from KLOG_PASSWORD or a prompt)');
  }
  await channel.saslHandshake({ mechanism });
  const scram = new ScramClient(mechanism, sasl.username, sasl.password);
  const serverFirst = await channel.saslAuthenticate({ authBytes: Buffer.from(scram.first(), 'utf8') });
  const clientFinal = scram.final(serverFirst.authBytes.toString('utf8'));
  const serverFinal = await channel.saslAuthenticate({ authBytes: Buffer.from(clientFinal, 'utf8') }).catch((err: unknown) => {
    if (err instanceof KlogError && err.code === 'SASL_AUTHENTICATION_FAILED') {
      throw new KlogError('SASL_AUTHENTICATION_FAILED', `broker ${broker} refused ${sasl.username} (${mechanism}): unknown user or wrong password`, { cause: err });
    }
    throw err;
  });
  scram.verify(serverFinal.authBytes.toString('utf8'));
}
