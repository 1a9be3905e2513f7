/** The slice of a pino logger the coordinator uses; any pino Logger fits. */
export interface Logger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {} };
