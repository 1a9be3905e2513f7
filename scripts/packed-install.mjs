// Packs the publishable packages as npm would receive them, installs tarballs into empty projects with plain npm,
// and measures what an install puts on disk. Used by test/packaging and scripts/install-size.mjs.
import { execFile } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const root = resolve(import.meta.dirname, '..');

/** The publishable packages, dependencies first. */
export const PACKAGES = ['log-core', 'protocol', 'consumer-group', 'queue', 'client', 'tasks', 'broker', 'cli'];

/**
 * The environment for npm and pnpm run in a temporary project: without the variables an enclosing `npm run`
 * sets for this repository (its package fields and local prefix), which would point npm back here.
 */
export function cleanEnv() {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (/^npm_(package_|lifecycle_|config_local_prefix$)/i.test(key)) delete env[key];
  }
  return env;
}

/**
 * `pnpm pack`s every package in PACKAGES into `dest` (pnpm writes real versions in place of `workspace:*`).
 * Returns the tarball path of each package by its name (`@klog/client` → `dest/klog-client-0.1.0.tgz`).
 * The packages must be built (`npm run setup`).
 */
export async function packWorkspace(dest) {
  for (const dir of PACKAGES) {
    if (!existsSync(join(root, 'packages', dir, 'dist', 'index.js'))) {
      throw new Error(`packages/${dir}/dist is missing: build first with npm run setup`);
    }
  }
  mkdirSync(dest, { recursive: true });
  const filters = PACKAGES.flatMap((dir) => ['--filter', `@klog/${dir}`]);
  await run('sh', ['scripts/pnpm', ...filters, 'pack', '--pack-destination', dest], {
    cwd: root,
    env: cleanEnv(),
    maxBuffer: 64 * 1024 * 1024,
  });
  const tarballs = {};
  for (const dir of PACKAGES) {
    const file = readdirSync(dest).find((f) => new RegExp(`^klog-${dir}-\\d.*\\.tgz$`).test(f));
    if (!file) throw new Error(`pnpm pack wrote no tarball for @klog/${dir} into ${dest}`);
    tarballs[`@klog/${dir}`] = join(dest, file);
  }
  return tarballs;
}

/** Makes `dir` an empty project and `npm install`s `specs` (tarball paths or registry specs) into it. */
export async function npmInstall(dir, specs) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'klog-install-check', private: true, type: 'module' }));
  return run('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', ...specs], {
    cwd: dir,
    env: cleanEnv(),
    maxBuffer: 64 * 1024 * 1024,
  });
}

/** Files, bytes (the files' sizes added up) and bytes on disk (allocated blocks) under `dir`; links count once. */
export function treeSize(dir) {
  const total = { files: 0, bytes: 0, diskBytes: 0 };
  const walk = (d) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else {
        const st = lstatSync(p);
        total.files++;
        total.bytes += st.size;
        total.diskBytes += st.blocks * 512;
      }
    }
  };
  walk(dir);
  return total;
}

/** The package names installed under `dir`/node_modules, at any depth (`@scope/name` for scoped ones). */
export function installedPackages(dir) {
  const names = new Set();
  const walk = (nm) => {
    if (!existsSync(nm)) return;
    for (const entry of readdirSync(nm, { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
      const dirs = entry.name.startsWith('@')
        ? readdirSync(join(nm, entry.name), { withFileTypes: true })
            .filter((e) => e.isDirectory())
            .map((e) => [`${entry.name}/${e.name}`, join(nm, entry.name, e.name)])
        : [[entry.name, join(nm, entry.name)]];
      for (const [name, path] of dirs) {
        names.add(name);
        walk(join(path, 'node_modules'));
      }
    }
  };
  walk(join(dir, 'node_modules'));
  return [...names].sort();
}
