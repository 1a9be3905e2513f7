import { pino, type Logger } from 'pino';

/**
 * An embedded store should not chatter: by default only warnings (such as what crash recovery cut) and errors
 * go to stderr, as JSON. Pass your own pino logger to LogStore.open to change that.
 */
export function defaultLogger(): Logger {
  return pino({ name: 'klog', level: 'warn' }, pino.destination(2));
}
