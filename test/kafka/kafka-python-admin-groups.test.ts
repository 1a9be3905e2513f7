// kafka-python 2.0.2's KafkaAdminClient on consumer groups through the Kafka listener: a consumer with manual
// assignment commits outside any generation (standalone commit), then list_consumer_groups,
// describe_consumer_groups, list_consumer_group_offsets and delete_consumer_groups, each against the store.
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { bootstrap, removeTempDirs, runPython, useKafkaBroker, type KafkaBroker } from './kafka-fixture.js';

const ADMIN = String.raw`
import json, sys
from kafka import KafkaConsumer, TopicPartition
from kafka.structs import OffsetAndMetadata
from kafka.admin import KafkaAdminClient
bootstrap, topic, group = sys.argv[1], sys.argv[2], sys.argv[3]
consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=group, client_id='kafka-python-groups', enable_auto_commit=False)
consumer.assign([TopicPartition(topic, 0), TopicPartition(topic, 1)])
consumer.commit({TopicPartition(topic, 0): OffsetAndMetadata(4, 'four'), TopicPartition(topic, 1): OffsetAndMetadata(9, '')})
consumer.close()
admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id='kafka-python-admin-groups')
listed = admin.list_consumer_groups()
print(json.dumps({'step': 'listed', 'groups': [list(g) for g in listed]}))
[described] = admin.describe_consumer_groups([group])
print(json.dumps({'step': 'described', 'state': described.state, 'members': len(described.members)}))
offsets = admin.list_consumer_group_offsets(group)
print(json.dumps({'step': 'offsets', 'offsets': sorted([[tp.partition, o.offset, o.metadata] for tp, o in offsets.items()])}))
deleted = admin.delete_consumer_groups([group, 'never-was'])
print(json.dumps({'step': 'deleted', 'results': [[g, e.__name__] for g, e in deleted]}))
print(json.dumps({'step': 'after', 'offsets': len(admin.list_consumer_group_offsets(group))}))
admin.close()
`;

interface Step { step: string; groups?: string[][]; state?: string; members?: number; offsets?: unknown; results?: string[][] }

afterAll(removeTempDirs);

describe('kafka-python 2.0.2 admin on consumer groups', () => {
  const kafka = useKafkaBroker('kafka-python');
  let broker: KafkaBroker;
  beforeEach(() => { broker = kafka(); });

  it('commits outside a group, lists, describes, reads the offsets back and deletes the group', async () => {
    await broker.store.createTopic('py-groups', { partitions: 2 });
    const r = await runPython(ADMIN, [bootstrap(broker), 'py-groups', 'py-group'], 60_000);
    expect(r.code, r.stderr).toBe(0);
    const steps = new Map(r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Step).map((s) => [s.step, s]));
    expect(steps.get('listed')!.groups).toContainEqual(['py-group', '']);
    expect(steps.get('described')).toMatchObject({ state: 'Empty', members: 0 });
    expect(steps.get('offsets')!.offsets).toEqual([[0, 4, 'four'], [1, 9, '']]);
    expect(steps.get('deleted')!.results).toEqual([['py-group', 'NoError'], ['never-was', 'GroupIdNotFoundError']]);
    expect(steps.get('after')!.offsets).toBe(0);
  });
});
