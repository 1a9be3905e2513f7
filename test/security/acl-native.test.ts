// ACLs on the native listener, through @klog/client: once the broker has users, a user may do only what an ACL
// allows it (deny wins, no ACL means no), a super user everything; listings show only what one may describe; the
// ACLs are managed over the wire by whoever may alter the cluster, and kept across restarts in acls.json.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createClient, type Acl, type Client } from '@klog/client';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs, startTestBroker, tempDir } from '../broker/fixture.js';

afterAll(removeTempDirs);

const PASSWORD = 'correct horse battery staple';

function as(port: number, user: string): Client {
  return createClient({ brokers: [`127.0.0.1:${port}`], sasl: { mechanism: 'scram-sha-256', username: user, password: PASSWORD } });
}

const allow = (principal: string, operation: Acl['operation'], resourceType: Acl['resourceType'], resourceName: string, prefix = false): Acl =>
  ({ principal, operation, resourceType, resourceName, prefix, allow: true });

async function consumeInGroup(client: Client, groupId: string, topic: string, count: number): Promise<string[]> {
  const consumer = client.consumer({ groupId, fromBeginning: true, autoCommit: false, sessionTimeoutMs: 6_000, rebalanceTimeoutMs: 6_000 });
  const seen: string[] = [];
  try {
    await consumer.subscribe({ topics: [topic] });
    for await (const m of consumer) {
      seen.push(m.value!.toString());
      if (seen.length === count) break;
    }
    await consumer.commit();
  } finally {
    await consumer.close();
  }
  return seen;
}

describe('ACLs on the native listener', () => {
  it('a reader of orders consumes it in its group, and can neither write it, see payments, nor reset another group', async () => {
    const dataDir = tempDir();
    const broker = await startTestBroker({ dataDir, superUsers: ['admin'] });
    const anonymous = createClient({ brokers: [`127.0.0.1:${broker.port}`] });
    // With no users there is nothing to authorize: the first user is added anonymously (from loopback).
    await anonymous.admin().addUser('admin', PASSWORD);
    await anonymous.close();
    const admin = as(broker.port, 'admin');
    const alice = as(broker.port, 'alice');
    try {
      await admin.admin().addUser('alice', PASSWORD);
      for (const t of ['orders', 'payments']) {
        await admin.admin().createTopic(t);
        await admin.producer().send({ topic: t, messages: [{ value: Buffer.from(`${t}-1`) }, { value: Buffer.from(`${t}-2`) }] });
      }
      // Before any ACL, alice (authenticated) may do nothing at all.
      await expect(alice.admin().listTopics()).resolves.toEqual([]);
      await expect(alice.producer().send({ topic: 'orders', messages: [{ value: Buffer.from('x') }] }))
        .rejects.toMatchObject({ code: 'TOPIC_AUTHORIZATION_FAILED', message: expect.stringMatching(/User:alice is not authorized to (describe|write) topic orders/) });

      expect(await admin.admin().addAcl(allow('User:alice', 'read', 'topic', 'orders'))).toBe(true);
      expect(await admin.admin().addAcl(allow('User:alice', 'read', 'topic', 'orders'))).toBe(false);
      await admin.admin().addAcl(allow('User:alice', 'read', 'group', 'orders-app'));
      expect(await consumeInGroup(alice, 'orders-app', 'orders', 2)).toEqual(['orders-1', 'orders-2']);
      expect(await alice.admin().listTopics()).toEqual(['orders']);
      expect((await alice.admin().listGroups()).map((g) => g.groupId)).toEqual(['orders-app']);

      await expect(alice.producer().send({ topic: 'orders', messages: [{ value: Buffer.from('x') }] })).rejects.toMatchObject({ code: 'TOPIC_AUTHORIZATION_FAILED' });
      await expect(consumeInGroup(alice, 'orders-app', 'payments', 1)).rejects.toMatchObject({ code: 'TOPIC_AUTHORIZATION_FAILED' });
      await expect(consumeInGroup(alice, 'payments-app', 'orders', 1)).rejects.toMatchObject({ code: 'GROUP_AUTHORIZATION_FAILED' });
      await consumeInGroup(admin, 'billing', 'payments', 2);
      await expect(alice.admin().resetOffsets('billing', 'payments', 'earliest'))
        .rejects.toMatchObject({ code: 'GROUP_AUTHORIZATION_FAILED', message: expect.stringContaining('User:alice is not authorized to read group billing') });
      await expect(alice.admin().addAcl(allow('User:alice', 'all', 'topic', '*')))
        .rejects.toMatchObject({ code: 'CLUSTER_AUTHORIZATION_FAILED', message: expect.stringContaining('User:alice is not authorized to alter cluster kafka-cluster') });
      await expect(alice.admin().addUser('mallory', PASSWORD)).rejects.toMatchObject({ code: 'CLUSTER_AUTHORIZATION_FAILED' });
      expect(await admin.admin().listTopics()).toEqual(expect.arrayContaining(['orders', 'payments']));
    } finally {
      await alice.close();
      await admin.close();
      await broker.close();
    }
    expect(JSON.parse(readFileSync(join(dataDir, 'acls.json'), 'utf8')).acls).toHaveLength(2);
    const again = await startTestBroker({ dataDir, superUsers: ['admin'] });
    const alice2 = as(again.port, 'alice');
    try {
      expect(await alice2.admin().listTopics()).toEqual(['orders']);
    } finally {
      await alice2.close();
      await again.close();
    }
  });

  it('prefix ACLs cover every name they start, a deny overrides any allow, and * means everyone', async () => {
    const broker = await startTestBroker({ dataDir: tempDir(), superUsers: ['User:admin'] });
    const anonymous = createClient({ brokers: [`127.0.0.1:${broker.port}`] });
    await anonymous.admin().addUser('admin', PASSWORD);
    await anonymous.close();
    const admin = as(broker.port, 'admin');
    const bob = as(broker.port, 'bob');
    try {
      await admin.admin().addUser('bob', PASSWORD);
      for (const t of ['team-a.events', 'team-a.audit', 'team-b.events']) await admin.admin().createTopic(t);
      await admin.admin().addAcl(allow('User:bob', 'write', 'topic', 'team-a.', true));
      await admin.admin().addAcl(allow('*', 'describe', 'topic', 'team-b.events'));
      await bob.producer().send({ topic: 'team-a.events', messages: [{ value: Buffer.from('1') }] });
      await bob.producer().send({ topic: 'team-a.audit', messages: [{ value: Buffer.from('1') }] });
      await expect(bob.producer().send({ topic: 'team-b.events', messages: [{ value: Buffer.from('1') }] })).rejects.toMatchObject({ code: 'TOPIC_AUTHORIZATION_FAILED' });
      // write implies describe; the * ACL lets everyone see team-b.events.
      expect((await bob.admin().listTopics()).sort()).toEqual(['team-a.audit', 'team-a.events', 'team-b.events']);

      await admin.admin().addAcl({ ...allow('User:bob', 'all', 'topic', 'team-a.audit'), allow: false });
      await expect(bob.producer().send({ topic: 'team-a.audit', messages: [{ value: Buffer.from('2') }] })).rejects.toMatchObject({ code: 'TOPIC_AUTHORIZATION_FAILED' });
      await bob.producer().send({ topic: 'team-a.events', messages: [{ value: Buffer.from('2') }] });
      expect((await bob.admin().listTopics()).sort()).toEqual(['team-a.events', 'team-b.events']);
      expect(await admin.admin().listAcls()).toHaveLength(3);
      await admin.admin().removeAcl({ ...allow('User:bob', 'all', 'topic', 'team-a.audit'), allow: false });
      await expect(admin.admin().removeAcl(allow('User:bob', 'read', 'topic', 'nothing'))).rejects.toMatchObject({ code: 'UNKNOWN_ACL' });
      await bob.producer().send({ topic: 'team-a.audit', messages: [{ value: Buffer.from('3') }] });
    } finally {
      await bob.close();
      await admin.close();
      await broker.close();
    }
  });
});
