import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KlogError } from './errors.js';
import { syncDir } from './fs-sync.js';
import { resolveTopicConfig, type TopicConfig } from './topic-config.js';

const FILE = 'topics.json';

/**
 * topics.json: the configuration of every topic in the data directory. Written atomically (temp file, fsync,
 * rename, directory fsync) so a crash leaves either the old or the new version, never half of one.
 */
export function loadTopics(dir: string): Map<string, TopicConfig> {
  const path = join(dir, FILE);
  if (!existsSync(path)) return new Map();
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new KlogError('CORRUPT_DATA', `${path} is not valid JSON (${(err as Error).message}); restore it from a backup or fix it by hand`);
  }
  const topics = (parsed as { topics?: Record<string, Partial<TopicConfig>> }).topics;
  if (typeof topics !== 'object' || topics === null) {
    throw new KlogError('CORRUPT_DATA', `${path} has no "topics" object`);
  }
  return new Map(Object.entries(topics).map(([name, cfg]) => [name, resolveTopicConfig(cfg)]));
}

export function saveTopics(dir: string, topics: Map<string, TopicConfig>): void {
  const path = join(dir, FILE);
  const tmp = `${path}.tmp`;
  const body = JSON.stringify({ version: 1, topics: Object.fromEntries([...topics].sort(([a], [b]) => a.localeCompare(b))) }, null, 2);
  writeFileSync(tmp, `${body}\n`, { flush: true });
  renameSync(tmp, path);
  syncDir(dir);
}
