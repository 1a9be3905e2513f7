// The native protocol's handshake against a real broker: the client asks apiVersions on connecting and fails a
// request the broker cannot serve with a typed UNSUPPORTED_VERSION; the broker answers what it does not speak
// with an error carrying the correlation id, and keeps the connection.
import { API_VERSIONS, type ApiName, type VersionRange } from '@klog/protocol';
import { KlogError } from '@klog/client';
import { afterEach, describe, expect, it } from 'vitest';
import { clientFor, RawConnection, removeTempDirs, startTestBroker } from './fixture.js';

afterEach(removeTempDirs);

function without(api: ApiName): { [A in ApiName]?: VersionRange } {
  const table: { [A in ApiName]?: VersionRange } = { ...API_VERSIONS };
  delete table[api];
  return table;
}

describe('native protocol versions', () => {
  it('a client needing an api the broker lacks gets UNSUPPORTED_VERSION saying what it needs and what is offered', async () => {
    const broker = await startTestBroker({ apiVersions: without('resetOffsets') });
    const client = clientFor(broker);
    try {
      const admin = client.admin();
      await admin.createTopic('t');
      expect(await admin.listTopics()).toEqual(['t']); // the rest still works on the same connection
      const err = await admin.resetOffsets('g', 't', 'earliest').then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(KlogError);
      expect((err as KlogError).code).toBe('UNSUPPORTED_VERSION');
      expect((err as KlogError).message).toContain('needs api resetOffsets (version 0)');
      expect((err as KlogError).message).toContain(`broker 127.0.0.1:${broker.port} does not offer resetOffsets`);
      expect((err as KlogError).message).toContain('createTopics');
    } finally {
      await client.close();
      await broker.close();
    }
  });

  it('the broker answers an api left out of its table with UNSUPPORTED_VERSION and keeps the connection', async () => {
    const broker = await startTestBroker({ apiVersions: without('deleteGroup') });
    const raw = await RawConnection.open(broker.port);
    try {
      const versions = await raw.request('apiVersions');
      expect((versions.apis as { api: string }[]).map((a) => a.api)).not.toContain('deleteGroup');
      expect(await raw.request('deleteGroup', { groupId: 'g' })).toMatchObject({ errorCode: 'UNSUPPORTED_VERSION' });
      expect(await raw.request('listGroups')).toEqual({ correlationId: 3, groups: [] });
    } finally {
      raw.destroy();
      await broker.close();
    }
  });

  it('answers a request whose header is bad but has a correlation id with INVALID_REQUEST, and keeps the connection', async () => {
    const broker = await startTestBroker();
    const raw = await RawConnection.open(broker.port);
    try {
      raw.send('apiVersions', { api: 42 }, { correlationId: 9 });
      expect(await raw.next()).toMatchObject({ correlationId: 9, errorCode: 'INVALID_REQUEST' });
      raw.send('apiVersions', {}, { correlationId: 10, version: 'zero' as unknown as number });
      expect(await raw.next()).toMatchObject({ correlationId: 10, errorCode: 'INVALID_REQUEST' });
      expect(await raw.request('listGroups')).toMatchObject({ groups: [] });
    } finally {
      raw.destroy();
      await broker.close();
    }
  });

  it('answers carry no header fields into what the client returns', async () => {
    const broker = await startTestBroker();
    const client = clientFor(broker);
    try {
      const admin = client.admin();
      await admin.createTopic('t');
      await admin.resetOffsets('g', 't', 'earliest'); // commits offsets, so the group exists
      const group = await admin.describeGroup('g');
      expect(group).not.toHaveProperty('correlationId');
      expect(group).toMatchObject({ groupId: 'g', state: 'Empty', members: [] });
    } finally {
      await client.close();
      await broker.close();
    }
  });
});
