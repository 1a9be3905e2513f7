#!/usr/bin/env node
// What installing klog costs a user: packs the packages (`pnpm pack`), installs each entry point with its
// dependencies into an empty project with plain npm, and prints the files and megabytes of node_modules,
// beside kafkajs from the npm registry. Needs built packages (`npm run setup`) and the npm registry.
//   node scripts/install-size.mjs
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installedPackages, npmInstall, packWorkspace, root, treeSize } from './packed-install.mjs';

const work = mkdtempSync(join(tmpdir(), 'klog-install-size-'));
try {
  const tgz = await packWorkspace(join(work, 'packs'));
  const kafkajs = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).devDependencies.kafkajs;
  const cases = [
    ['@klog/client', [tgz['@klog/log-core'], tgz['@klog/protocol'], tgz['@klog/client']]],
    ['@klog/broker', [tgz['@klog/log-core'], tgz['@klog/protocol'], tgz['@klog/consumer-group'], tgz['@klog/broker']]],
    ['@klog/cli', Object.values(tgz)],
    [`kafkajs@${kafkajs}`, [`kafkajs@${kafkajs}`]],
  ];
  const rows = [];
  for (const [name, specs] of cases) {
    const dir = join(work, name.replace(/[@/^~]/g, '_'));
    await npmInstall(dir, specs);
    const size = treeSize(join(dir, 'node_modules'));
    rows.push([
      name,
      String(installedPackages(dir).length),
      String(size.files),
      (size.bytes / 1e6).toFixed(2),
      (size.diskBytes / 1e6).toFixed(2),
    ]);
  }
  const head = ['install', 'packages', 'files', 'MB', 'MB on disk'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(line(head));
  for (const r of rows) console.log(line(r));
  console.log(`(node_modules of an empty project after npm install; MB = 10^6 bytes; ${process.platform}-${process.arch})`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
