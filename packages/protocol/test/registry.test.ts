import { describe, expect, it } from 'vitest';
import { APIS, API_VERSIONS, REQUEST_HEADER_KEYS, type ApiName } from '../src/index.js';

describe('the api registry', () => {
  it('lists each api under its own name, with a sane version range', () => {
    for (const [key, def] of Object.entries(APIS)) {
      expect(def.name).toBe(key);
      expect(def.minVersion).toBeGreaterThanOrEqual(0);
      expect(def.maxVersion).toBeGreaterThanOrEqual(def.minVersion);
      expect(API_VERSIONS[key as ApiName]).toEqual({ min: def.minVersion, max: def.maxVersion });
    }
  });

  it('keeps every api a released client may call (an api is never removed, only added)', () => {
    expect(Object.keys(APIS).sort()).toEqual([
      'aclAdd', 'aclList', 'aclRemove', 'alterTopicConfigs', 'apiVersions', 'compactTopic', 'createPartitions', 'createQueue', 'createTopics', 'deleteGroup',
      'deleteQueue', 'deleteRecords', 'deleteTopics', 'describeGroup', 'describeQueue', 'fetch', 'heartbeat', 'initProducerId',
      'joinGroup', 'leaveGroup', 'leaveQueue', 'listGroups', 'listOffsets', 'listQueues', 'metadata', 'offsetCommit',
      'offsetFetch', 'produce', 'redriveQueue', 'resetOffsets', 'resetQueue', 'saslAuthenticate', 'saslHandshake', 'shareAcknowledge',
      'shareFetch', 'syncGroup', 'userAdd', 'userList', 'userRemove',
    ]);
  });

  it('uses no header field name in any request body, nor correlationId in a response body', () => {
    for (const def of Object.values(APIS)) {
      for (const key of REQUEST_HEADER_KEYS) expect(Object.keys(def.request.shape ?? {})).not.toContain(key);
      expect(Object.keys(def.response.shape ?? {})).not.toContain('correlationId');
      // A response body's errorCode would read as the whole request failing.
      expect(Object.keys(def.response.shape ?? {})).not.toContain('errorCode');
    }
  });
});
