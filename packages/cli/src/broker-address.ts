/** The address klog listens on and connects to when nothing else is said. */
export const DEFAULT_BROKER = '127.0.0.1:7420';

/** Which broker to talk to: the --broker flag, else the KLOG_BROKER environment variable, else the default. */
export function resolveBrokerAddress(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  return flag?.trim() || env.KLOG_BROKER?.trim() || DEFAULT_BROKER;
}
