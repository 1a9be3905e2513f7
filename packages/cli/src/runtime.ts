import type { Output } from './output.js';

/** What every command gets from the process around it, so that commands never reach for globals. */
export interface Runtime {
  /** Where data goes (stdout). */
  out: Output;
  /** Aborted on Ctrl-C / SIGTERM, and when the reader of stdout went away: time to finish cleanly. */
  stop: AbortSignal;
  /** Progress and notes for a person (stderr); never data. */
  note(line: string): void;
  /** True when stderr is a terminal: progress lines and pretty logs only then. */
  stderrIsTty: boolean;
  /** True when stdin is a terminal: a person types the records, so nothing may be drawn over them. */
  stdinIsTty: boolean;
  env: NodeJS.ProcessEnv;
}
