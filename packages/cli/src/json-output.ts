import type { Argv } from 'yargs';
import type { Runtime } from './runtime.js';

export interface JsonArgs {
  json?: boolean;
}

/** `--json` for the listing commands (as `rpk … --format json` and `kcat -L -J`): for scripts, not for eyes. */
export function jsonOption<T>(y: Argv<T>): Argv<T & JsonArgs> {
  return y.option('json', { alias: 'J', type: 'boolean', describe: 'Print JSON instead of a table' });
}

/** One JSON document and a newline. */
export async function writeJson(rt: Runtime, value: unknown): Promise<void> {
  await rt.out.write(`${JSON.stringify(value)}\n`);
}
