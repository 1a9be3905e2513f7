#!/usr/bin/env node
// The `klog` command as installed: package managers link this file, which is committed, so the link exists from
// the first install on, before the TypeScript sources are built into ../dist.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const built = new URL('../dist/bin.js', import.meta.url);
if (!existsSync(built)) {
  process.stderr.write(
    `klog: the CLI is not built (${fileURLToPath(built)} is missing); run \`npm run setup\` in the klog repository\n`,
  );
  process.exit(1);
}
await import(built.href);
