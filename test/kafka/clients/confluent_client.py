# Drives Debian's python3-confluent-kafka (librdkafka 2.0.2) for test/kafka/confluent-kafka.test.ts and
# test/kafka/idempotent-retry.test.ts.
# Usage: confluent_client.py MODE JSON-ARGS. Every result is one JSON document per line on stdout, flushed at once,
# so that the test can follow a long-running member; errors go to stderr and a non-zero exit.
import json
import signal
import sys

from confluent_kafka import Consumer, KafkaException, Producer
from confluent_kafka.admin import AdminClient, ConfigResource, NewTopic


def out(doc):
    print(json.dumps(doc), flush=True)


def wait_all(futures):
    return {k: f.result(timeout=30) for k, f in futures.items()}


def admin(a):
    client = AdminClient({'bootstrap.servers': a['bootstrap']})
    topic = a['topic']
    wait_all(client.create_topics([NewTopic(topic, num_partitions=3, replication_factor=1,
                                            config={'retention.ms': '3600000'})], operation_timeout=10))
    out({'step': 'created'})
    md = client.list_topics(topic=topic, timeout=10)
    t = md.topics[topic]
    out({'step': 'described', 'error': None if t.error is None else str(t.error),
         'partitions': sorted(t.partitions.keys())})

    def configs():
        res = wait_all(client.describe_configs([ConfigResource('topic', topic)]))
        entries = list(res.values())[0]
        return {name: e.value for name, e in entries.items()}

    out({'step': 'configs', 'configs': configs()})
    # AlterConfigs (not incremental): the set given becomes the topic's whole set.
    wait_all(client.alter_configs([ConfigResource('topic', topic, set_config={'retention.ms': '7200000',
                                                                               'cleanup.policy': 'compact'})]))
    out({'step': 'altered', 'configs': configs()})
    wait_all(client.delete_topics([topic], operation_timeout=10))
    out({'step': 'deleted', 'topics': sorted(client.list_topics(timeout=10).topics.keys())})


def create(a):
    client = AdminClient({'bootstrap.servers': a['bootstrap']})
    wait_all(client.create_topics([NewTopic(a['topic'], num_partitions=a['partitions'], replication_factor=1)],
                                  operation_timeout=10))
    out({'created': a['topic']})


def produce(a):
    conf = {'bootstrap.servers': a['bootstrap'], 'enable.idempotence': True}
    if a.get('codec'):
        conf['compression.type'] = a['codec']
    producer = Producer(conf)
    errors = []

    def report(err, msg):
        if err is not None:
            errors.append(str(err))

    for i, value in enumerate(a['values']):
        key = a['keys'][i] if a.get('keys') else None
        producer.produce(a['topic'], value=value.encode(), key=None if key is None else key.encode(), on_delivery=report)
        producer.poll(0)
    left = producer.flush(30)
    if errors or left:
        sys.stderr.write('delivery failed: %s, %d not delivered\n' % (errors[:5], left))
        sys.exit(1)
    out({'produced': len(a['values'])})


def deliver(a):
    """A producer with the given settings on top of the defaults, which prints every delivery report (value,
    offset, error) as it comes, flushing after every `flush_every` values so that each group is its own Produce
    request, then how many were left undelivered."""
    producer = Producer(dict(a.get('config', {}), **{'bootstrap.servers': a['bootstrap']}))

    def report(err, msg):
        out({'value': msg.value().decode(), 'partition': msg.partition(), 'offset': msg.offset(),
             'error': None if err is None else str(err)})

    values = a['values']
    step = a.get('flush_every') or len(values)
    left = 0
    for start in range(0, len(values), step):
        for value in values[start:start + step]:
            producer.produce(a['topic'], value=value.encode(), on_delivery=report)
        left += producer.flush(60)
    out({'left': left})


def consume(a):
    """A group member: prints its assignments and records until SIGTERM, then commits and closes."""
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(True))
    consumer = Consumer({'bootstrap.servers': a['bootstrap'], 'group.id': a['group'],
                         'auto.offset.reset': 'earliest'})
    consumer.subscribe([a['topic']],
                       on_assign=lambda c, ps: out({'assigned': sorted(p.partition for p in ps)}),
                       on_revoke=lambda c, ps: out({'revoked': sorted(p.partition for p in ps)}))
    while not stop:
        msg = consumer.poll(0.2)
        if msg is None:
            continue
        if msg.error():
            sys.stderr.write('consume error: %s\n' % msg.error())
            continue
        out({'partition': msg.partition(), 'offset': msg.offset(),
             'key': None if msg.key() is None else msg.key().decode(), 'value': msg.value().decode()})
    try:
        consumer.commit(asynchronous=False)
        out({'committed': True})
    except KafkaException as e:  # nothing consumed since the last commit
        out({'committed': str(e)})
    consumer.close()
    out({'closed': True})


{'admin': admin, 'create': create, 'produce': produce, 'deliver': deliver, 'consume': consume}[sys.argv[1]](json.loads(sys.argv[2]))
