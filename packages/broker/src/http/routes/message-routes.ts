import { KlogError, type Header } from '@klog/log-core';
import { topicResource } from '../../security/acl.js';
import { isInternalTopic } from '../../services/internal-topics.js';
import { readJsonBody } from '../json-body.js';
import { browseMessages, parseBrowseQuery } from '../message-browse.js';
import { sendJson } from '../respond.js';
import type { Route } from '../route.js';

/** GET /api/v1/topics/:name/messages: browse or search a topic (see parseBrowseQuery for the parameters). */
export const browseRoute: Route = {
  method: 'GET',
  path: /^\/api\/v1\/topics\/([^/]+)\/messages$/,
  authorize: ({ access, params: [topic] }) => access.check('read', topicResource(topic)),
  async handle({ res, url, params: [topic], services: { store } }) {
    const query = parseBrowseQuery(url.searchParams, store.partitionCount(topic));
    sendJson(res, 200, await browseMessages(store, topic, query));
  },
};

/**
 * POST /api/v1/topics/:name/messages: appends one record. Without a partition, the store's partitioner picks it
 * as a client's would: a keyed record goes where murmur2(key) says, so it lands beside the key's other records.
 */
export const produceRoute: Route = {
  method: 'POST',
  path: /^\/api\/v1\/topics\/([^/]+)\/messages$/,
  authorize: ({ access, params: [topic] }) => access.check('write', topicResource(topic)),
  async handle({ req, res, params: [topic], services: s, logger, access }) {
    const body = await readJsonBody(req);
    const key = optionalText(body.key, 'key');
    const value = optionalText(body.value, 'value');
    const headers = headersOf(body.headers);
    const partition = body.partition;
    if (partition !== undefined && partition !== null && !Number.isInteger(partition)) {
      throw new KlogError('INVALID_REQUEST', `partition must be an integer or absent, got ${JSON.stringify(partition)}`);
    }
    if (!s.store.hasTopic(topic)) {
      throw new KlogError('UNKNOWN_TOPIC', `topic ${JSON.stringify(topic)} does not exist (create it first, e.g. klog topic create ${topic})`);
    }
    if (isInternalTopic(topic)) throw new KlogError('INVALID_TOPIC_NAME', `topic ${topic} is internal to the broker and cannot be produced to`);
    const record = { key: key === null ? null : Buffer.from(key), value: value === null ? null : Buffer.from(value), headers };
    const [ack] = await s.store.append(topic, [record], { partition: typeof partition === 'number' ? partition : undefined });
    s.produced(topic, 1, (record.key?.length ?? 0) + (record.value?.length ?? 0));
    logger.info({ topic, partition: ack.partition, offset: ack.offset, by: access.principal }, 'console produced a record');
    sendJson(res, 200, ack);
  },
};

function optionalText(v: unknown, name: string): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') throw new KlogError('INVALID_REQUEST', `${name} must be a string or null, got ${JSON.stringify(v)}`);
  return v;
}

function headersOf(v: unknown): Header[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new KlogError('INVALID_REQUEST', 'headers must be an array of { key, value }');
  return v.map((h: unknown, i) => {
    const entry = h as { key?: unknown; value?: unknown } | null;
    if (typeof entry !== 'object' || entry === null || typeof entry.key !== 'string') {
      throw new KlogError('INVALID_REQUEST', `headers[${i}] must be { key: string, value: string | null }`);
    }
    const value = optionalText(entry.value, `headers[${i}].value`);
    return { key: entry.key, value: value === null ? null : Buffer.from(value) };
  });
}
