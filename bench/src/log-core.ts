/** `npm run bench:log-core`: the log-core engine benchmark on its own (same as `npm run bench -- --suite log-core`). */
import { fileURLToPath } from 'node:url';
import { runLogCoreSuite } from './log-core-suite.js';

await runLogCoreSuite(process.argv.slice(2), fileURLToPath(new URL('../results', import.meta.url)));
