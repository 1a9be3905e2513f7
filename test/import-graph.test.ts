import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The house rules on imports, checked on the source: no import cycle between files, none between directories
 * (server/ and kafka/ must not import each other, for example), and a package imports another package only
 * through that package's name (its src/index.ts), and only if it declares it as a dependency.
 */
const root = join(import.meta.dirname, '..');
const packagesDir = join(root, 'packages');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sourceFiles(p);
    return p.endsWith('.ts') && !p.endsWith('.d.ts') ? [p] : [];
  });
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"`;]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function importsOf(file: string): string[] {
  const src = readFileSync(file, 'utf8');
  return [...src.matchAll(IMPORT)].map((m) => m[1] ?? m[2]);
}

interface Pkg { name: string; dir: string; deps: Set<string>; files: string[] }

const packages: Pkg[] = readdirSync(packagesDir)
  .filter((d) => statSync(join(packagesDir, d, 'package.json'), { throwIfNoEntry: false })?.isFile())
  .map((d) => {
    const manifest = JSON.parse(readFileSync(join(packagesDir, d, 'package.json'), 'utf8'));
    return {
      name: manifest.name as string,
      dir: join(packagesDir, d, 'src'),
      deps: new Set(Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies })),
      files: sourceFiles(join(packagesDir, d, 'src')),
    };
  });

/** Every cycle's members, found by Tarjan's strongly connected components (a component of 2+ nodes, or a self-loop). */
function cycles(graph: Map<string, Set<string>>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, idx.get(w)!));
      }
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1 || graph.get(v)?.has(v)) found.push(comp.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return found;
}

function addEdge(graph: Map<string, Set<string>>, from: string, to: string): void {
  if (!graph.has(from)) graph.set(from, new Set());
  if (!graph.has(to)) graph.set(to, new Set());
  graph.get(from)!.add(to);
}

describe('import graph', () => {
  const files = new Map<string, Set<string>>();
  const dirs = new Map<string, Set<string>>();
  const crossPackage: string[] = [];
  for (const pkg of packages) {
    for (const file of pkg.files) {
      const from = relative(root, file);
      if (!files.has(from)) files.set(from, new Set());
      for (const spec of importsOf(file)) {
        if (spec.startsWith('.')) {
          const target = relative(root, resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
          if (target.includes('/dist/') || target.includes('node_modules')) crossPackage.push(`${from} imports ${spec}`);
          if (!target.startsWith(relative(root, pkg.dir))) crossPackage.push(`${from} reaches outside its package: ${spec}`);
          addEdge(files, from, target);
          const a = dirname(from);
          const b = dirname(target);
          // A directory may import its own subdirectories' modules and they its helpers; what matters is that two
          // sibling areas (server/ and kafka/) do not depend on each other. An edge between a directory and its
          // own ancestor is a parent using its parts, so it is not counted.
          if (a !== b && !a.startsWith(`${b}/`) && !b.startsWith(`${a}/`)) addEdge(dirs, a, b);
        } else if (spec.startsWith('@klog/')) {
          const name = spec.split('/').slice(0, 2).join('/');
          if (spec !== name) crossPackage.push(`${from} imports a deep path ${spec} (use ${name})`);
          if (name === pkg.name) crossPackage.push(`${from} imports its own package by name`);
          else if (!pkg.deps.has(name)) crossPackage.push(`${from} imports ${name}, which ${pkg.name} does not declare`);
        }
      }
    }
  }

  it('has found the source of every package', () => {
    expect(packages.map((p) => p.name)).toEqual(expect.arrayContaining(['@klog/log-core', '@klog/client', '@klog/broker']));
    expect(files.size).toBeGreaterThan(50);
  });

  it('has no import cycle between files', () => {
    expect(cycles(files)).toEqual([]);
  });

  it('has no import cycle between directories', () => {
    expect(cycles(dirs)).toEqual([]);
  });

  it('reaches other packages only through their declared names', () => {
    expect(crossPackage).toEqual([]);
  });

  it('would notice a cycle (the checker itself)', () => {
    const g = new Map<string, Set<string>>();
    addEdge(g, 'a', 'b');
    addEdge(g, 'b', 'c');
    addEdge(g, 'c', 'a');
    addEdge(g, 'c', 'd');
    expect(cycles(g)).toEqual([['a', 'b', 'c']]);
  });
});
