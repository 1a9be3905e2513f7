import { isKlogError, type ErrorCode } from '@klog/log-core';

/** What a person can do next, for the errors where the message alone does not say it. */
const HINTS: Partial<Record<ErrorCode, string>> = {
  UNKNOWN_TOPIC: 'list topics with: klog topic list',
  UNKNOWN_PARTITION: 'see the partitions with: klog topic describe <topic>',
  TOPIC_EXISTS: 'see it with: klog topic describe <topic>',
  INVALID_CONFIG: 'see: klog <command> --help',
  INVALID_TOPIC_NAME: 'see: klog <command> --help',
  STORE_LOCKED: 'another broker is using this data directory: stop it, or pass another --data-dir',
  NON_EMPTY_GROUP: 'stop the group\'s consumers first; see them with: klog group describe <group>',
  GROUP_ID_NOT_FOUND: 'list groups with: klog group list',
  RECORD_TOO_LARGE: 'send smaller records, or raise the topic\'s limit',
  TOO_MANY_CONNECTIONS: 'close other clients or raise the broker\'s connection limit',
  BROKER_SHUTTING_DOWN: 'start the broker again with: klog broker',
  REQUEST_TIMED_OUT: 'check that the broker is healthy, then try again',
  CONNECTION_LOST: 'check that the broker is still running (klog broker), then try again',
};

/** The command line itself is wrong (unknown option, missing argument): the fix is in --help. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * An error as the single line klog prints on stderr: what went wrong and what to do. A stack trace only
 * with `debug` (KLOG_DEBUG=1), since to a person at a shell it is noise.
 */
export function errorLine(err: unknown, debug: boolean): string {
  if (isKlogError(err)) {
    const hint = HINTS[err.code];
    const text = hint && !err.message.includes(hint) ? `${err.message} (${hint})` : err.message;
    return `klog: ${text}${debug && err.stack ? `\n${err.stack}` : ''}`;
  }
  if (err instanceof UsageError) return `klog: ${err.message} (see: klog <command> --help)`;
  const e = err as NodeJS.ErrnoException & { address?: string; port?: number; flag?: string };
  if (e?.code === 'EADDRINUSE') {
    return `klog: ${e.address ?? 'the address'}:${e.port ?? '?'} is already in use — is another broker running? Stop it or choose another ${e.flag ?? '--port'}${debug ? `\n${e.stack}` : ''}`;
  }
  if (e?.code === 'EACCES' || e?.code === 'EPERM') {
    return `klog: permission denied: ${e.message}${debug ? `\n${e.stack}` : ''}`;
  }
  const message = e instanceof Error ? e.message : String(err);
  return debug && e instanceof Error
    ? `klog: unexpected error: ${e.stack ?? message}`
    : `klog: unexpected error: ${message} (run with KLOG_DEBUG=1 for details)`;
}
