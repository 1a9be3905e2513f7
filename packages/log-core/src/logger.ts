/**
 * The slice of a logger the store uses. A pino logger fits as it is; so does anything with these four methods.
 * log-core has no logging dependency of its own, so that a client or an embedding application that never
 * asked for one does not install it.
 */
export interface Logger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

type Level = 'debug' | 'info' | 'warn' | 'error';
const RANK: Record<Level, number> = { debug: 20, info: 30, warn: 40, error: 50 };

/**
 * An embedded store should not chatter: by default only warnings (such as what crash recovery cut) and errors
 * go to stderr, one JSON object a line (pino's shape: level, time, msg, and the fields). Pass your own logger
 * to LogStore.open to change that.
 */
export function defaultLogger(minLevel: Level = 'warn'): Logger {
  const write = (level: Level) => (obj: object, msg: string): void => {
    if (RANK[level] < RANK[minLevel]) return;
    const fields: Record<string, unknown> = { level: RANK[level], time: Date.now(), name: 'klog', msg };
    for (const [k, v] of Object.entries(obj)) {
      fields[k] = v instanceof Error ? { type: v.name, message: v.message, stack: v.stack } : v;
    }
    process.stderr.write(`${JSON.stringify(fields)}\n`);
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}
