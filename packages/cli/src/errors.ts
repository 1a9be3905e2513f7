import { errorInfoOf } from '@klog/client';
import { isKlogError } from '@klog/log-core';

/** The message gives the hint's advice already (messages written for a person often end with it). */
function saysAlready(message: string, hint: string): boolean {
  return message.toLowerCase().includes(hint.toLowerCase());
}

/**
 * Hints said with klog commands where the error table's hint speaks to code (the table serves every client; at a
 * shell, `queues.queue({ name, topics })` is not something one can type).
 */
const CLI_HINTS: Partial<Record<string, string>> = {
  UNKNOWN_QUEUE: 'see the queues with: klog queue list; create one with: klog queue create <queue> --topic <topic>',
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
    // What a person can do next: the error table's hint for the code, unless the message already says it.
    const hint = CLI_HINTS[err.code] ?? errorInfoOf(err)?.hint;
    const text = hint && !saysAlready(err.message, hint) ? `${err.message} (${hint})` : err.message;
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
