import type { SaslOptions } from '@klog/client';
import { promptPassword } from './password-input.js';

/** The global flags that authenticate client commands (also read from KLOG_USER and KLOG_SASL_MECHANISM). */
export interface UserArgs {
  user?: string;
  'sasl-mechanism'?: string;
}

/**
 * Who to authenticate as, or undefined to stay anonymous. The password comes from KLOG_PASSWORD, else from a
 * prompt on the terminal; never from the command line.
 */
export async function clientSasl(args: UserArgs, env: NodeJS.ProcessEnv): Promise<SaslOptions | undefined> {
  const username = args.user || env.KLOG_USER;
  if (!username) return undefined;
  const password = env.KLOG_PASSWORD || await promptPassword(`password for ${username}: `);
  return { mechanism: args['sasl-mechanism'] || env.KLOG_SASL_MECHANISM || 'scram-sha-256', username, password };
}
