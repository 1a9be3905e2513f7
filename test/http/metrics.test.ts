// /metrics read strictly as Prometheus text: the klog families are there with their types, counters move when
// records are produced and fetched through the native client and through kafkajs, and the lag gauges say what
// the group description says.
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { clientFor, removeTempDirs, request, startHttpBroker, waitUntil, type HttpBroker } from './http-fixture.js';
import { parsePrometheusText, valueOf, type Family } from './prometheus-text.js';

afterAll(removeTempDirs);

async function scrape(broker: HttpBroker): Promise<Map<string, Family>> {
  const res = await request(broker.httpPort, '/metrics');
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheusText(res.text);
}

const EXPECTED_TYPES: Record<string, string> = {
  klog_build_info: 'gauge',
  klog_requests_total: 'counter',
  klog_request_errors_total: 'counter',
  klog_request_duration_seconds: 'histogram',
  klog_connections: 'gauge',
  klog_connections_opened_total: 'counter',
  klog_network_received_bytes_total: 'counter',
  klog_network_sent_bytes_total: 'counter',
  klog_records_produced_total: 'counter',
  klog_bytes_produced_total: 'counter',
  klog_records_fetched_total: 'counter',
  klog_bytes_fetched_total: 'counter',
  klog_topic_partitions: 'gauge',
  klog_log_size_bytes: 'gauge',
  klog_fsync_duration_seconds: 'histogram',
  klog_storage_disk_free_bytes: 'gauge',
  klog_storage_disk_total_bytes: 'gauge',
  klog_recovery_truncated_bytes_total: 'counter',
  klog_consumer_group_members: 'gauge',
  klog_consumer_group_lag_sum: 'gauge',
  klog_consumer_group_lag_max: 'gauge',
  klog_consumer_group_rebalances_total: 'counter',
  klog_queue_ready_records: 'gauge',
  klog_queue_delayed_records: 'gauge',
  klog_queue_in_flight_records: 'gauge',
  klog_queue_archived_records: 'gauge',
  klog_queue_oldest_ready_age_seconds: 'gauge',
  klog_queue_members: 'gauge',
  klog_queue_redelivered_records_total: 'counter',
  klog_queue_dead_lettered_records_total: 'counter',
  process_cpu_seconds_total: 'counter',
  process_resident_memory_bytes: 'gauge',
  nodejs_eventloop_lag_seconds: 'gauge',
};

describe('/metrics', () => {
  it('counts records produced and fetched through the native client and through kafkajs', async () => {
    const broker = (await startHttpBroker({ kafkaPort: 0, fsync: 'always' })) as HttpBroker & { kafkaPort: number };
    const client = clientFor(broker);
    const kafka = new Kafka({ clientId: 'metrics-test', brokers: [`127.0.0.1:${broker.kafkaPort}`], logLevel: logLevel.NOTHING });
    const kafkaProducer = kafka.producer();
    try {
      const before = await scrape(broker);
      for (const [name, type] of Object.entries(EXPECTED_TYPES)) expect(before.get(name)?.type, name).toBe(type);
      expect(before.get('klog_build_info')!.samples[0]).toMatchObject({ labels: { node_version: process.version }, value: 1 });
      expect(before.get('klog_storage_disk_total_bytes')!.samples[0].value).toBeGreaterThan(0);

      await client.admin().createTopic('native-t', { partitions: 2 });
      const producer = client.producer();
      await producer.send({ topic: 'native-t', messages: Array.from({ length: 300 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })) });
      await producer.close();
      const consumer = client.consumer({ fromBeginning: true, maxWaitMs: 100 });
      consumer.assign([{ topic: 'native-t', partition: 0 }, { topic: 'native-t', partition: 1 }]);
      let read = 0;
      while (read < 300) for (const batch of await consumer.poll()) read += batch.length;
      await consumer.close();

      await kafkaProducer.connect();
      await kafkaProducer.send({ topic: 'kafka-t', messages: Array.from({ length: 50 }, (_, i) => ({ value: `kafka ${i}` })) });

      const after = await scrape(broker);
      expect(valueOf(after, 'klog_records_produced_total', { topic: 'native-t' })).toBe(300);
      expect(valueOf(after, 'klog_records_produced_total', { topic: 'kafka-t' })).toBe(50);
      expect(valueOf(after, 'klog_records_fetched_total', { topic: 'native-t' })).toBeGreaterThanOrEqual(300);
      expect(valueOf(after, 'klog_bytes_produced_total', { topic: 'native-t' })).toBeGreaterThan(300 * 4);
      expect(valueOf(after, 'klog_requests_total', { listener: 'native', api: 'produce' })).toBeGreaterThanOrEqual(1);
      expect(valueOf(after, 'klog_requests_total', { listener: 'kafka', api: 'Produce' })).toBeGreaterThanOrEqual(1);
      expect(valueOf(after, 'klog_request_duration_seconds', { listener: 'native', api: 'fetch' }, 'klog_request_duration_seconds_count')).toBeGreaterThanOrEqual(1);
      expect(valueOf(after, 'klog_connections', { listener: 'kafka' })).toBeGreaterThanOrEqual(1);
      expect(valueOf(after, 'klog_connections_opened_total', { listener: 'native' })).toBeGreaterThanOrEqual(1);
      expect(valueOf(after, 'klog_network_received_bytes_total', { listener: 'kafka' })).toBeGreaterThan(0);
      expect(valueOf(after, 'klog_network_sent_bytes_total', { listener: 'native' })).toBeGreaterThan(0);
      expect(valueOf(after, 'klog_topic_partitions', { topic: 'native-t' })).toBe(2);
      expect(valueOf(after, 'klog_log_size_bytes', { topic: 'kafka-t' })).toBeGreaterThan(0);
      expect(valueOf(after, 'klog_fsync_duration_seconds', {}, 'klog_fsync_duration_seconds_count')).toBeGreaterThan(0);
      expect(after.has('klog_partition_high_watermark')).toBe(false); // per-partition series are opt-in

      // A request that fails is counted by its error code.
      await expect(client.admin().describeGroup('nobody')).rejects.toThrow();
      const failed = await scrape(broker);
      expect(valueOf(failed, 'klog_request_errors_total', { listener: 'native', api: 'describeGroup', error: 'GROUP_ID_NOT_FOUND' })).toBe(1);
    } finally {
      await kafkaProducer.disconnect();
      await client.close();
      await broker.close();
    }
  });

  it('reports group members, rebalances and lag as the group description has them; per-partition series when asked', async () => {
    const broker = await startHttpBroker({ metricsPerPartition: true });
    const client = clientFor(broker);
    try {
      await client.admin().createTopic('work', { partitions: 3 });
      const producer = client.producer();
      await producer.send({ topic: 'work', messages: Array.from({ length: 90 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })) });
      await producer.close();
      const consumer = client.consumer({ groupId: 'crew', fromBeginning: true, sessionTimeoutMs: 6_000, autoCommitIntervalMs: 100, maxWaitMs: 100 });
      await consumer.subscribe({ topics: ['work'] });
      let seen = 0;
      const running = consumer.run({ eachMessage: async () => { seen++; } });
      await waitUntil(() => seen >= 40, 'the member read some records');
      const live = await scrape(broker);
      expect(valueOf(live, 'klog_consumer_group_members', { group: 'crew' })).toBe(1);
      expect(valueOf(live, 'klog_consumer_group_rebalances_total', { group: 'crew' })).toBeGreaterThanOrEqual(1);
      await consumer.close();
      await running;
      await client.admin().resetOffsets('crew', 'work', { offset: 5 });

      const described = await client.admin().describeGroup('crew');
      const lags = described.partitions.map((p) => p.lag ?? 0);
      const metrics = await scrape(broker);
      expect(valueOf(metrics, 'klog_consumer_group_members', { group: 'crew' })).toBe(0);
      expect(valueOf(metrics, 'klog_consumer_group_lag_sum', { group: 'crew' })).toBe(lags.reduce((a, b) => a + b, 0));
      expect(valueOf(metrics, 'klog_consumer_group_lag_max', { group: 'crew' })).toBe(Math.max(...lags));
      for (const p of described.partitions) {
        expect(valueOf(metrics, 'klog_consumer_group_lag', { group: 'crew', topic: 'work', partition: String(p.partition) })).toBe(p.lag);
        expect(valueOf(metrics, 'klog_consumer_group_committed_offset', { group: 'crew', topic: 'work', partition: String(p.partition) })).toBe(5);
        expect(valueOf(metrics, 'klog_partition_high_watermark', { topic: 'work', partition: String(p.partition) })).toBe(p.logEndOffset);
      }
    } finally {
      await client.close().catch(() => undefined);
      await broker.close();
    }
  });

  it('reports a queue\'s ready, in-flight, delayed, dead and re-delivered records and its members', async () => {
    const broker = await startHttpBroker();
    const client = clientFor(broker);
    try {
      await client.admin().createTopic('jobs', { partitions: 2 });
      const producer = client.producer();
      await producer.send({ topic: 'jobs', messages: Array.from({ length: 20 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })) });
      await producer.close();
      const q = client.queue({ name: 'work', topics: ['jobs'], start: 'earliest', deadLetterTopic: 'jobs.dlq', lockMs: 60_000 });
      const got = [];
      while (got.length < 6) got.push(...await q.receive({ max: 6 - got.length, maxWaitMs: 5_000 }));
      await got[0].accept();
      await got[1].accept();
      await got[2].reject('bad input');
      await got[3].release({ delayMs: 60_000 });
      await got[4].release();
      // got[5] stays in flight; got[4] is ready again, and its next delivery is a re-delivery.
      await waitUntil(async () => valueOf(await scrape(broker), 'klog_queue_dead_lettered_records_total', { queue: 'work' }) === 1, 'the dead letter is written');
      const metrics = await scrape(broker);
      const queue = { queue: 'work' };
      expect(valueOf(metrics, 'klog_queue_ready_records', queue)).toBe(20 - 6 + 1);
      expect(valueOf(metrics, 'klog_queue_in_flight_records', queue)).toBe(1);
      expect(valueOf(metrics, 'klog_queue_delayed_records', queue)).toBe(1);
      expect(valueOf(metrics, 'klog_queue_archived_records', queue)).toBe(1);
      expect(valueOf(metrics, 'klog_queue_members', queue)).toBe(1);
      expect(valueOf(metrics, 'klog_queue_oldest_ready_age_seconds', queue)).toBeGreaterThanOrEqual(0);
      expect(valueOf(metrics, 'klog_queue_redelivered_records_total', queue)).toBe(0);
      const again = await q.receive({ max: 20, maxWaitMs: 5_000 });
      expect(again.length).toBeGreaterThan(0);
      const after = await scrape(broker);
      expect(valueOf(after, 'klog_queue_redelivered_records_total', queue)).toBe(again.filter((m) => m.deliveryCount > 1).length);
      expect(valueOf(after, 'klog_queue_in_flight_records', queue)).toBe(1 + again.length);
      await q.close();
    } finally {
      await client.close().catch(() => undefined);
      await broker.close();
    }
  });

  it('keeps one registry per broker: two brokers in one process count apart', async () => {
    const a = await startHttpBroker();
    const b = await startHttpBroker();
    try {
      await a.store.createTopic('only-a', { partitions: 1 });
      const clientA = clientFor(a);
      await clientA.producer().send({ topic: 'only-a', messages: [{ value: 'x' }] });
      await clientA.close();
      expect(valueOf(await scrape(a), 'klog_records_produced_total', { topic: 'only-a' })).toBe(1);
      expect(valueOf(await scrape(b), 'klog_records_produced_total', { topic: 'only-a' })).toBeUndefined();
    } finally {
      await a.close();
      await b.close();
    }
  });
});
