#!/usr/bin/env node
import { hideBin } from 'yargs/helpers';
import { main } from './main.js';

const code = await main(hideBin(process.argv));
// Exit once stdout and stderr have taken everything; do not wait for idle connections or timers.
process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
