#!/usr/bin/env node
// Copies the browser builds of the web console's libraries (Preact, its hooks, htm, uPlot) from the broker
// package's node_modules into packages/broker/console/vendor/, with their licences. Run by the broker's build.
//
// Why copy at build time rather than commit the files: the lockfile already pins each version and its
// integrity hash, so the copies are reproducible, and the repository does not carry 100 KB of minified
// third-party code whose diffs nobody can review. The broker serves the copies; nothing is fetched at run time.
//
// Why one rewrite: preact/hooks imports the bare specifier "preact", which a browser can resolve only through an
// import map, and an import map must be an inline script (a strict Content-Security-Policy forbids those).
// Pointing that one import at the sibling file keeps the console free of inline scripts.
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const broker = join(dirname(fileURLToPath(import.meta.url)), '..', 'packages', 'broker');
const vendor = join(broker, 'console', 'vendor');

/** The root folder of one of the broker's dev dependencies (pnpm links each into the package's own node_modules;
 * resolving through `exports` would not do: htm does not export its package.json). */
function packageDir(name) {
  const dir = join(broker, 'node_modules', name);
  if (!existsSync(join(dir, 'package.json'))) throw new Error(`vendor-console: ${name} is not installed in ${broker}; run pnpm install`);
  return dir;
}

/** [package, file inside it, name in vendor/, rewrite of the text or null, the types a checker sees for it] */
const files = [
  ['preact', 'dist/preact.mjs', 'preact.mjs', null, "export * from 'preact';"],
  ['preact', 'hooks/dist/hooks.mjs', 'preact-hooks.mjs', (text) => replaceOnce(text, 'from"preact"', 'from"./preact.mjs"'), "export * from 'preact/hooks';"],
  ['htm', 'dist/htm.module.js', 'htm.mjs', null, "export { default } from 'htm';"],
  ['uplot', 'dist/uPlot.esm.js', 'uplot.mjs', null, "export { default } from 'uplot';"],
  ['uplot', 'dist/uPlot.min.css', 'uplot.css', null, null],
];

/** Fails the build when a package's layout changed under us, rather than shipping a console that cannot load. */
function replaceOnce(text, from, to) {
  const count = text.split(from).length - 1;
  if (count !== 1) throw new Error(`vendor-console: expected "${from}" once in preact/hooks, found it ${count} times`);
  return text.replace(from, to);
}

rmSync(vendor, { recursive: true, force: true });
mkdirSync(join(vendor, 'licenses'), { recursive: true });
for (const [pkg, file, name, rewrite, types] of files) {
  const source = join(packageDir(pkg), file);
  if (rewrite) writeFileSync(join(vendor, name), rewrite(readFileSync(source, 'utf8')));
  else copyFileSync(source, join(vendor, name));
  // The console's JSDoc types are checked by tsc (packages/broker/tsconfig.console.json); a declaration beside each copy hands
  // it the package's own types. Not shipped (see the broker's package.json "files").
  if (types) writeFileSync(join(vendor, name.replace(/\.mjs$/, '.d.mts')), `${types}\n`);
}
const versions = {};
for (const pkg of new Set(files.map(([p]) => p))) {
  const dir = packageDir(pkg);
  versions[pkg] = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version;
  copyFileSync(join(dir, 'LICENSE'), join(vendor, 'licenses', `${pkg}.txt`));
}
writeFileSync(join(vendor, 'versions.json'), JSON.stringify(versions, null, 2) + '\n');
console.log(`vendor-console: ${files.length} files into ${vendor} (${Object.entries(versions).map(([p, v]) => `${p} ${v}`).join(', ')})`);
