import { randomBytes } from 'node:crypto';
import { KlogError } from './errors.js';

/**
 * A topic's id: 16 random bytes made with the topic and kept in topics.json, so that Kafka clients that address
 * topics by id (Metadata v10+) see one id per topic for its whole life, and a new one when a topic of the same
 * name is made again. Chosen as Kafka chooses its ids: never all zero (it means "no id"), never the reserved
 * 0…01, never one whose printed (base64url) form starts with '-', which command lines would take for an option.
 */
export function newTopicId(): Buffer {
  for (;;) {
    const id = randomBytes(16);
    if (isUsableTopicId(id)) return id;
  }
}

function isUsableTopicId(id: Buffer): boolean {
  const high = id.readBigUInt64BE(0);
  const low = id.readBigUInt64BE(8);
  if (high === 0n && (low === 0n || low === 1n)) return false;
  return !formatTopicId(id).startsWith('-');
}

/** The printed form: base64url without padding, 22 characters, as Kafka prints ids. */
export function formatTopicId(id: Buffer): string {
  return id.toString('base64url');
}

/** Reads a printed id back; anything else is a damaged topics.json. */
export function parseTopicId(text: unknown, where: string): Buffer {
  const id = typeof text === 'string' ? Buffer.from(text, 'base64url') : Buffer.alloc(0);
  if (id.length !== 16 || formatTopicId(id) !== text || !isUsableTopicId(id)) {
    throw new KlogError('CORRUPT_DATA', `${where}: topicId ${JSON.stringify(text)} is not a topic id (22 base64url characters); fix it by hand or remove it to get a new one`);
  }
  return id;
}
