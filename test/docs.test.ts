import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KAFKA_APIS } from '../packages/broker/src/kafka/api-registry.js';

/**
 * The documentation stays true to the repository: the paths it names exist, the Kafka listener's version table
 * is the registry's, and nothing in the repository points at material a reader of it cannot open.
 */
const root = join(import.meta.dirname, '..');

/** Built in pieces so that this file does not contain what it looks for. */
const OUTSIDE_DIR = ['..', 'shared'].join('/');
/** The word issue (or issues) followed by a number, with or without "#", in any case. */
const ISSUE_NUMBER = /\bissues?\s*#?\s*\d+/i;
/** Folders (and files) whose paths the docs may name, relative to the repository root. */
const REPO_PREFIXES = ['packages/', 'test/', 'bench/', 'scripts/', 'docs/'];

function docFiles(): string[] {
  const docs = existsSync(join(root, 'docs'))
    ? readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)
    : [];
  return ['README.md', ...docs.sort()];
}

function read(file: string): string {
  return readFileSync(join(root, file), 'utf8');
}

/** The text outside fenced code blocks (shell sessions and diagrams there are not path references). */
function prose(markdown: string): string {
  return markdown.replace(/^```[\s\S]*?^```/gm, '');
}

/** Drops what follows a path but is not part of it: an anchor, a line number, trailing punctuation. */
function cleanPath(p: string): string {
  return p.replace(/#.*$/, '').replace(/:\d+(-\d+)?$/, '').replace(/[.,;:)]+$/, '');
}

/** Whether a path exists, with `*` standing for any one name in its segment (as in `packages/*\/test`). */
function pathExists(path: string): boolean {
  const parts = path.replace(/\/+$/, '').split('/');
  const walk = (dir: string, i: number): boolean => {
    if (i === parts.length) return true;
    const part = parts[i];
    if (!part.includes('*')) return existsSync(join(dir, part)) && walk(join(dir, part), i + 1);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) return false;
    const re = new RegExp(`^${part.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')}$`);
    return readdirSync(dir).some((name) => re.test(name) && walk(join(dir, name), i + 1));
  };
  return walk(root, 0);
}

/**
 * Every path a document names: in inline code spans that start with a repository folder (relative to the root),
 * and in relative links (relative to the document, as a Markdown viewer resolves them).
 */
function referencedPaths(file: string): { text: string; path: string }[] {
  const text = prose(read(file));
  const found: { text: string; path: string }[] = [];
  for (const [, code] of text.matchAll(/`([^`\n]+)`/g)) {
    for (const token of code.split(/\s+/)) {
      if (!REPO_PREFIXES.some((prefix) => token.startsWith(prefix))) continue;
      if (/[<>{}…]/.test(token)) continue; // a pattern such as packages/<name>/test, not a path
      found.push({ text: token, path: cleanPath(token) });
    }
  }
  for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#')) continue; // a URL or an anchor
    const path = relative(root, join(root, dirname(file), cleanPath(target)));
    found.push({ text: `${target} (${path})`, path });
  }
  return found;
}

/** The repository's own text files in the folders that hold code and docs, ignored files left out. */
function repositoryTextFiles(): string[] {
  const listed = execFileSync(
    'git',
    ['ls-files', '--cached', '--others', '--exclude-standard', '--', 'packages', 'test', 'bench', 'scripts', 'docs', 'README.md'],
    { cwd: root, encoding: 'utf8' },
  );
  return listed.split('\n').filter((f) => {
    if (f === '' || !existsSync(join(root, f))) return false; // deleted in the work tree but still in the index
    const head = readFileSync(join(root, f)).subarray(0, 8192);
    return !head.includes(0); // binary
  });
}

/** Each line of `text` that matches, as "file:line: text". */
function matchingLines(file: string, text: string, matches: (line: string) => boolean): string[] {
  return text.split('\n').flatMap((line, i) => (matches(line) ? [`${file}:${i + 1}: ${line.trim()}`] : []));
}

/** The rows of the first Markdown table after `heading`, as arrays of trimmed cells (header row excluded). */
function tableAfter(markdown: string, heading: string): string[][] {
  const at = markdown.indexOf(`\n${heading}\n`);
  expect(at, `a "${heading}" section`).toBeGreaterThanOrEqual(0);
  const lines = markdown.slice(at).split('\n');
  const start = lines.findIndex((l) => l.startsWith('|'));
  expect(start, `a table under "${heading}"`).toBeGreaterThan(0);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(line.slice(1, line.lastIndexOf('|')).split('|').map((c) => c.trim()));
  }
  return rows;
}

/** "3" → [3, 3]; "0–4" or "0-4" → [0, 4]. */
function versionRange(cell: string): [number, number] {
  const m = /^(\d+)(?:\s*[–-]\s*(\d+))?$/.exec(cell);
  expect(m, `a version or range, got ${JSON.stringify(cell)}`).not.toBeNull();
  return [Number(m![1]), Number(m![2] ?? m![1])];
}

describe('documentation', () => {
  it('finds the README and the docs folder pages', () => {
    const files = docFiles();
    expect(files).toContain('README.md');
    expect(files).toContain('docs/architecture.md');
    expect(files).toContain('docs/kafka-listener.md');
  });

  it('every repository path that README.md and docs/*.md name exists', () => {
    const missing = docFiles().flatMap((file) => [
      ...new Set(referencedPaths(file).filter(({ path }) => !pathExists(path)).map(({ text }) => `${file}: ${text}`)),
    ]);
    expect(missing, 'paths named in the docs that do not exist').toEqual([]);
  });

  it('the path check sees the paths the docs name', () => {
    // Guards the extraction itself: if it found nothing, the check above could never fail.
    const paths = referencedPaths('docs/architecture.md').map((r) => r.path);
    expect(paths).toContain('packages/broker/src/server/handlers/produce.ts');
    expect(paths).toContain('docs/errors.md');
    expect(pathExists('packages/no-such-package/src/index.ts')).toBe(false);
    expect(pathExists('packages/*/src/index.ts')).toBe(true);
  });

  it(`no doc points at ${OUTSIDE_DIR} or names an issue number`, () => {
    const found = docFiles().flatMap((file) =>
      matchingLines(file, read(file), (line) => line.includes(OUTSIDE_DIR) || ISSUE_NUMBER.test(line)));
    expect(found).toEqual([]);
  });

  it('the issue-number pattern catches the usual spellings and nothing else', () => {
    // Joined at run time, or the repository scan below would find them in this file.
    const spellings = [['see issue', ' 7'], ['issue', ' #12'], ['Issues', ' 3 and 4'], ['(Issue', '#8)']].map((p) => p.join(''));
    for (const s of spellings) expect(ISSUE_NUMBER.test(s), s).toBe(true);
    for (const s of ['an issue with 2 parts', 'tissue 4', 'issued 3 times']) expect(ISSUE_NUMBER.test(s), s).toBe(false);
  });
});

describe('repository text files', () => {
  it(`none refers to ${OUTSIDE_DIR} or to an issue number`, () => {
    const files = repositoryTextFiles();
    expect(files).toContain('test/docs.test.ts');
    const found = files.flatMap((file) =>
      matchingLines(file, read(file), (line) => line.includes(OUTSIDE_DIR) || ISSUE_NUMBER.test(line)));
    expect(found, 'say what the code does instead of pointing outside the repository').toEqual([]);
  });
});

describe('docs/kafka-listener.md', () => {
  const doc = read('docs/kafka-listener.md');

  it('its version table is the Kafka listener registry, API for API', () => {
    const documented = tableAfter(doc, '## Served APIs and versions').map(([name, key, versions]) => {
      const [min, max] = versionRange(versions);
      return { key: Number(key), name, min, max };
    });
    const served = KAFKA_APIS.map((a) => ({ key: a.key, name: a.name, min: a.minVersion, max: a.maxVersion }));
    const byKey = (a: { key: number }, b: { key: number }) => a.key - b.key;
    expect(documented.sort(byKey)).toEqual(served.sort(byKey));
  });

  it('no API it lists as not served is in the registry', () => {
    const unserved = tableAfter(doc, '## Not served yet').map(([name, key]) => ({ name, key: Number(key) }));
    expect(unserved.length).toBeGreaterThan(0);
    for (const { key } of unserved) expect(Number.isInteger(key), `key of ${JSON.stringify(unserved)}`).toBe(true);
    const servedKeys = new Set(KAFKA_APIS.map((a) => a.key));
    expect(unserved.filter(({ key }) => servedKeys.has(key))).toEqual([]);
  });
});
