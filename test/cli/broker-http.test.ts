// klog broker --http-port: the listening line names the console's URL, which serves health, metrics and the API;
// a port in use is one line naming the option to change.
import { rmSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { assertBuilt, lines, runKlog, spawnKlog, tempDir, waitForText } from './klog-harness.js';

const dirs: string[] = [];
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL'); // only our own children
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('klog broker --http-port', () => {
  it('logs the console URL, serves /readyz, /metrics and the API there, and stops cleanly', async () => {
    assertBuilt();
    const dataDir = tempDir('klog-cli-http-');
    dirs.push(dataDir);
    const child = spawnKlog(['broker', '--data-dir', dataDir, '--port', '0', '--http-port', '0', '--console-read-only']);
    children.push(child);
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const log = await waitForText(child.stderr!, (t) => t.includes('broker listening'));
    const listening = lines(log).map((l) => JSON.parse(l)).find((e) => e.msg === 'broker listening');
    expect(listening.console).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const base = listening.console as string;

    expect((await fetch(`${base}readyz`)).status).toBe(200);
    expect(await (await fetch(`${base}metrics`)).text()).toMatch(/^klog_build_info\{/m);
    const overview = await (await fetch(`${base}api/v1/overview`)).json();
    expect(overview).toMatchObject({ readOnly: true, listeners: { native: { port: listening.port } } });

    const port = new URL(base).port;
    const otherDir = tempDir('klog-cli-http-');
    dirs.push(otherDir);
    const busy = await runKlog(['broker', '--data-dir', otherDir, '--port', '0', '--http-port', port]);
    expect(busy.code).toBe(1);
    expect(busy.stderr.toString()).toMatch(/HTTP port 127\.0\.0\.1:\d+ is already in use.*--http-port/);

    child.kill('SIGINT');
    expect(await exited).toBe(0);
  });
});
