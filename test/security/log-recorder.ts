// A logger for the broker that keeps what it is told, so tests can check what the broker logged (and that it
// never logged a secret). It has the shape the broker uses of pino's Logger: levels with (fields, msg) and child.
import type { BrokerOptions } from '@klog/broker';

export interface LogLine {
  level: string;
  msg: string;
  [field: string]: unknown;
}

export function recordingLogger(): { logger: NonNullable<BrokerOptions['logger']>; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const make = (bound: Record<string, unknown>): unknown => {
    const at = (level: string) => (fields: unknown, msg?: string) => {
      if (typeof fields === 'string') lines.push({ ...bound, level, msg: fields });
      else lines.push({ ...bound, ...(fields as Record<string, unknown>), level, msg: msg ?? '' });
    };
    return {
      level: 'debug',
      trace: at('trace'), debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), fatal: at('fatal'),
      child: (more: Record<string, unknown>) => make({ ...bound, ...more }),
      isLevelEnabled: () => true,
    };
  };
  return { logger: make({}) as NonNullable<BrokerOptions['logger']>, lines };
}
