import { readFileSync } from 'node:fs';

let cached: string | undefined;

/** The broker package's version, as published (read once from its package.json, beside dist/ and src/). */
export function brokerVersion(): string {
  cached ??= (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  return cached;
}
