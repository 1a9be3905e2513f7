import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, installedPackages, npmInstall, packWorkspace, root } from '../../scripts/packed-install.mjs';

/**
 * The packages as a user gets them: each one packed by `pnpm pack`, the tarballs installed with plain npm into an
 * empty project (third-party dependencies from the npm registry), and used there: the README's embedding example,
 * and the `klog` command against a `klog broker` it started itself.
 */
const run = promisify(execFile);
const INSTALL_TIMEOUT = 300_000;

let work = '';
let tarballs: Record<string, string> = {};

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'klog-packed-'));
  tarballs = await packWorkspace(join(work, 'packs'));
}, INSTALL_TIMEOUT);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** The package.json inside a tarball, as npm will read it. */
async function manifestOf(tarball: string): Promise<Record<string, any>> {
  const { stdout } = await run('tar', ['-xzOf', tarball, 'package/package.json'], { maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(stdout) as Record<string, any>;
}

/** Waits for the line `klog broker` logs once it listens (pino, on stderr) and returns the port in it. */
function waitForListening(child: ReturnType<typeof spawn>): Promise<number> {
  return new Promise((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => reject(new Error(`klog broker did not start; it said: ${log}`)), 30_000);
    const onData = (d: Buffer): void => {
      log += d;
      const line = log.split('\n').find((l) => l.includes('"broker listening"'));
      if (line === undefined) return;
      clearTimeout(timer);
      resolve((JSON.parse(line) as { port: number }).port);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`klog broker exited with ${code}; it said: ${log}`));
    });
  });
}

describe('packed packages', () => {
  it('every tarball names real versions of its klog dependencies and carries the publishing fields', async () => {
    for (const [name, tarball] of Object.entries(tarballs)) {
      const pkg = await manifestOf(tarball);
      expect(pkg.name).toBe(name);
      expect(pkg.description, `${name} description`).toEqual(expect.any(String));
      expect(pkg.license, `${name} license`).toEqual(expect.any(String));
      expect(pkg.files, `${name} files`).toContain('dist');
      expect(pkg.exports?.['.']?.import, `${name} exports`).toBe('./dist/index.js');
      expect(pkg.engines?.node, `${name} engines`).toEqual(expect.any(String));
      for (const [dep, range] of Object.entries({ ...pkg.dependencies, ...pkg.peerDependencies })) {
        expect(range, `${name} → ${dep}`).not.toMatch(/^workspace:/);
      }
    }
  });

  it(
    'all seven install together with plain npm: the README embedding example runs, and klog produces to and consumes from its own broker',
    async () => {
      const project = join(work, 'all');
      await npmInstall(project, Object.values(tarballs));
      const env = cleanEnv();

      const readme = readFileSync(join(root, 'README.md'), 'utf8');
      const section = readme.slice(readme.indexOf('## Embedding log-core'));
      const example = /```js\n([\s\S]*?)```/.exec(section)?.[1];
      expect(example, 'a js block under "## Embedding log-core" in README.md').toBeDefined();
      writeFileSync(join(project, 'embedding.mjs'), example!);
      const embedded = await run(process.execPath, ['embedding.mjs'], { cwd: project, env });
      expect(embedded.stdout).toBe('hello\n');

      const klog = join(project, 'node_modules', '.bin', 'klog');
      expect(existsSync(klog), 'npm linked node_modules/.bin/klog').toBe(true);
      const help = await run('npx', ['--yes=false', 'klog', '--help'], { cwd: project, env });
      expect(help.stdout).toContain('klog produce');

      const dataDir = join(project, 'klog-data');
      const broker = spawn(klog, ['broker', '--data-dir', dataDir, '--port', '0'], { cwd: project, env, stdio: ['ignore', 'pipe', 'pipe'] });
      const exited = new Promise<number | null>((resolve) => broker.once('exit', (code) => resolve(code)));
      try {
        const port = await waitForListening(broker);
        const address = `127.0.0.1:${port}`;
        const produced = await run(klog, ['produce', 'notification', 'hello', '--broker', address], { cwd: project, env });
        expect(produced.stdout.trim()).toMatch(/^notification\/\d+@0$/);
        const consumed = await run(klog, ['consume', 'notification', '--from-beginning', '-e', '--broker', address], {
          cwd: project,
          env,
        });
        expect(consumed.stdout).toBe('hello\n');
      } finally {
        if (broker.exitCode === null && broker.pid !== undefined) process.kill(broker.pid, 'SIGTERM');
      }
      expect(await exited).toBe(0);
    },
    INSTALL_TIMEOUT,
  );

  it(
    'the client installs with only protocol and log-core: no broker, no consumer group, no pino',
    async () => {
      const project = join(work, 'client');
      await npmInstall(project, [tarballs['@klog/log-core'], tarballs['@klog/protocol'], tarballs['@klog/client']]);
      const installed: string[] = installedPackages(project);
      expect(installed).toEqual(expect.arrayContaining(['@klog/client', '@klog/protocol', '@klog/log-core']));
      expect(installed).not.toContain('@klog/broker');
      expect(installed).not.toContain('@klog/consumer-group');
      expect(installed).not.toContain('pino');
      const { stdout } = await run(
        process.execPath,
        ['--input-type=module', '-e', "const m = await import('@klog/client'); console.log(typeof m.createClient);"],
        { cwd: project, env: cleanEnv() },
      );
      expect(stdout).toBe('function\n');
    },
    INSTALL_TIMEOUT,
  );
});
