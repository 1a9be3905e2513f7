import type { Logger } from '@klog/log-core';

/**
 * A client logger for fault runs: a killed broker makes every producer and consumer retry, and a warning line per
 * retry would bury the run's own report. It counts the warnings instead and keeps errors on stderr.
 */
export function retryCounter(): Logger & { warnings: () => number } {
  let warnings = 0;
  return {
    debug() {},
    info() {},
    warn() {
      warnings++;
    },
    error(obj, msg) {
      process.stderr.write(`${JSON.stringify({ ...obj, msg })}\n`);
    },
    warnings: () => warnings,
  };
}
