// Debian's Chromium, driven by playwright-core, for the console's tests. playwright-core is pinned to the release
// built for the Chromium that Debian ships (a newer driver may call DevTools methods an older browser lacks), and
// never downloads a browser: it launches the system one. scripts/test-deps.sh installs it when run as root.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.KLOG_CHROMIUM ?? '/usr/bin/chromium';

/** Where the tests leave their screenshots: git-ignored, kept after the run to be looked at. */
export const OUTPUT_DIR = fileURLToPath(new URL('../.output/console/', import.meta.url));

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`the console tests need Chromium at ${CHROMIUM}: install Debian's package with ` +
      '`sudo apt-get install -y chromium fonts-dejavu-core` (npm test does it through scripts/test-deps.sh when run as root), ' +
      'or point KLOG_CHROMIUM at another Chromium');
  }
  mkdirSync(OUTPUT_DIR, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    // a closed network: no update checks, sync or other calls home that would only fail and slow the start
    args: ['--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic', '--disable-gpu'],
  });
}

export function screenshotPath(name: string): string {
  return join(OUTPUT_DIR, `${name}.png`);
}
