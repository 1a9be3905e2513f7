// kafka-python 2.0.2's KafkaAdminClient making, changing and deleting topics through the Kafka listener:
// create_topics and delete_topics (v3), describe_configs (v2, the highest both sides speak), alter_configs and
// create_partitions, each checked against the store.
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { bootstrap, removeTempDirs, runPython, useKafkaBroker, type KafkaBroker } from './kafka-fixture.js';

const ADMIN = String.raw`
import json, sys
from kafka.admin import KafkaAdminClient, ConfigResource, ConfigResourceType, NewPartitions
bootstrap, topic = sys.argv[1], sys.argv[2]
admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id='kafka-python-admin')
def describe():
    [res] = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic)], include_synonyms=True)
    return {'version': res.API_VERSION, 'resources': [
        {'error': r[0], 'name': r[3], 'configs': {c[0]: {'value': c[1], 'read_only': c[2], 'source': c[3]} for c in r[4]}}
        for r in res.resources]}
print(json.dumps({'step': 'described', **describe()}))
altered = admin.alter_configs([ConfigResource(ConfigResourceType.TOPIC, topic, configs={'retention.ms': '120000'})])
print(json.dumps({'step': 'altered', 'errors': [r[0] for r in altered.resources]}))
grown = admin.create_partitions({topic: NewPartitions(total_count=4)})
print(json.dumps({'step': 'grown', 'errors': [[t[0], t[1]] for t in grown.topic_errors]}))
try:
    admin.create_partitions({topic: NewPartitions(total_count=2)})
    print(json.dumps({'step': 'shrunk', 'errors': []}))
except Exception as e:
    print(json.dumps({'step': 'shrunk', 'errors': [type(e).__name__]}))
print(json.dumps({'step': 'after', **describe()}))
admin.close()
`;

const CREATE_DELETE = String.raw`
import json, sys
from kafka.admin import KafkaAdminClient, NewTopic
from kafka.errors import KafkaError
bootstrap = sys.argv[1]
admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id='kafka-python-admin')
def attempt(step, call):
    try:
        res = call()
        rows = res.topic_errors if hasattr(res, 'topic_errors') else res.topic_error_codes  # CreateTopics, DeleteTopics
        print(json.dumps({'step': step, 'version': res.API_VERSION, 'errors': [list(t[:2]) for t in rows]}))
    except KafkaError as e:
        print(json.dumps({'step': step, 'errors': [type(e).__name__]}))
attempt('created', lambda: admin.create_topics([
    NewTopic('py-made', num_partitions=3, replication_factor=1, topic_configs={'retention.ms': '90000'}),
    NewTopic('py-doomed', num_partitions=1, replication_factor=1)]))
attempt('checked', lambda: admin.create_topics([NewTopic('py-checked', num_partitions=2, replication_factor=1)], validate_only=True))
attempt('again', lambda: admin.create_topics([NewTopic('py-made', num_partitions=1, replication_factor=1)]))
attempt('replicated', lambda: admin.create_topics([NewTopic('py-replicated', num_partitions=1, replication_factor=3)]))
attempt('deleted', lambda: admin.delete_topics(['py-doomed']))
attempt('missing', lambda: admin.delete_topics(['py-never']))
admin.close()
`;

interface Step {
  step: string;
  version?: number;
  resources?: { error: number; name: string; configs: Record<string, { value: string; read_only: boolean; source: number }> }[];
  errors?: unknown[];
}

afterAll(removeTempDirs);

describe('kafka-python 2.0.2 admin', () => {
  const kafka = useKafkaBroker('kafka-python');
  let broker: KafkaBroker;
  beforeEach(() => { broker = kafka(); });

  it('describe_configs, alter_configs and create_partitions change a topic as the store then shows', async () => {
    await broker.store.createTopic('py-admin', { partitions: 1, segmentBytes: 1 << 20 });
    const r = await runPython(ADMIN, [bootstrap(broker), 'py-admin'], 60_000);
    expect(r.code, r.stderr).toBe(0);
    const steps = new Map(r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Step).map((s) => [s.step, s]));

    const described = steps.get('described')!;
    expect(described.version).toBe(2);
    expect(described.resources![0]).toMatchObject({ error: 0, name: 'py-admin' });
    expect(described.resources![0].configs['segment.bytes']).toEqual({ value: String(1 << 20), read_only: false, source: 1 });
    expect(described.resources![0].configs['retention.ms']).toMatchObject({ source: 5 });
    expect(described.resources![0].configs['cleanup.policy']).toMatchObject({ value: 'delete' });

    expect(steps.get('altered')!.errors).toEqual([0]);
    expect(steps.get('grown')!.errors).toEqual([['py-admin', 0]]);
    expect(steps.get('shrunk')!.errors).toEqual(['InvalidPartitionsError']);
    // alter_configs is Kafka's AlterConfigs: the settings given become the whole set, so segment.bytes is default again.
    const after = steps.get('after')!.resources![0].configs;
    expect(after['retention.ms']).toEqual({ value: '120000', read_only: false, source: 1 });
    expect(after['segment.bytes']).toMatchObject({ source: 5 });
    expect(broker.store.describeTopic('py-admin').config).toMatchObject({ partitions: 4, retentionMs: 120_000, segmentBytes: 128 << 20 });
  });
  it('create_topics makes topics with their settings (validate_only checks only) and delete_topics removes one', async () => {
    const r = await runPython(CREATE_DELETE, [bootstrap(broker)], 60_000);
    expect(r.code, r.stderr).toBe(0);
    const steps = new Map(r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Step).map((s) => [s.step, s]));
    expect(steps.get('created')).toEqual({ step: 'created', version: 3, errors: [['py-made', 0], ['py-doomed', 0]] });
    expect(broker.store.describeTopic('py-made').config).toMatchObject({ partitions: 3, retentionMs: 90_000 });
    expect(steps.get('checked')).toEqual({ step: 'checked', version: 3, errors: [['py-checked', 0]] });
    expect(broker.store.hasTopic('py-checked')).toBe(false);
    expect(steps.get('again')!.errors).toEqual(['TopicAlreadyExistsError']);
    expect(steps.get('replicated')!.errors).toEqual(['InvalidReplicationFactorError']);
    expect(steps.get('deleted')).toEqual({ step: 'deleted', version: 3, errors: [['py-doomed', 0]] });
    expect(broker.store.hasTopic('py-doomed')).toBe(false);
    expect(steps.get('missing')!.errors).toEqual(['UnknownTopicOrPartitionError']);
  });
});
