#!/usr/bin/env node
// Ctrl-C while the CLI is still loading (seconds on a busy machine) is kept, not fatal: listeners go in before
// the rest of the CLI is imported, and the command starts already told to stop, so it ends cleanly with 0 as a
// Ctrl-C a moment later would.
const early: NodeJS.Signals[] = [];
const keep = (signal: NodeJS.Signals): void => void early.push(signal);
process.on('SIGINT', keep);
process.on('SIGTERM', keep);

const { hideBin } = await import('yargs/helpers');
const { main } = await import('./main.js');
process.off('SIGINT', keep);
process.off('SIGTERM', keep);

const code = await main(hideBin(process.argv), { stoppedBeforeStart: early.length > 0 });
// Exit once stdout and stderr have taken everything; do not wait for idle connections or timers.
process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
