import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KlogError } from './errors.js';
import { syncDir } from './fs-sync.js';
import { resolveTopicConfig, type TopicConfig } from './topic-config.js';
import { formatTopicId, parseTopicId } from './topic-id.js';

const FILE = 'topics.json';

/** A topic as topics.json keeps it; id is null for a topic saved before ids existed (the table gives it one). */
export interface StoredTopic {
  config: TopicConfig;
  id: Buffer | null;
}

/**
 * topics.json: the configuration of every topic in the data directory. Written atomically (temp file, fsync,
 * rename, directory fsync) so a crash leaves either the old or the new version, never half of one.
 */
export function loadTopics(dir: string): Map<string, StoredTopic> {
  const path = join(dir, FILE);
  if (!existsSync(path)) return new Map();
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new KlogError('CORRUPT_DATA', `${path} is not valid JSON (${(err as Error).message}); restore it from a backup or fix it by hand`);
  }
  const topics = (parsed as { topics?: Record<string, Partial<TopicConfig> & { topicId?: unknown }> }).topics;
  if (typeof topics !== 'object' || topics === null) {
    throw new KlogError('CORRUPT_DATA', `${path} has no "topics" object`);
  }
  return new Map(Object.entries(topics).map(([name, { topicId, ...cfg }]) =>
    [name, { config: resolveTopicConfig(cfg), id: topicId === undefined ? null : parseTopicId(topicId, `${path}, topic ${name}`) }]));
}

/** The id is kept next to the settings, under "topicId", in its printed form. */
export function saveTopics(dir: string, topics: Map<string, { config: TopicConfig; id: Buffer }>): void {
  const path = join(dir, FILE);
  const tmp = `${path}.tmp`;
  const entries = [...topics].sort(([a], [b]) => a.localeCompare(b)).map(([name, t]) => [name, { ...t.config, topicId: formatTopicId(t.id) }]);
  const body = JSON.stringify({ version: 1, topics: Object.fromEntries(entries) }, null, 2);
  writeFileSync(tmp, `${body}\n`, { flush: true });
  renameSync(tmp, path);
  syncDir(dir);
}
