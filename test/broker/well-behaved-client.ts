// A client that keeps producing and consuming on its own connections while a test abuses others: the proof
// that one bad peer does not disturb anyone else.
import type { Client } from '@klog/client';

export interface WellBehavedClient {
  /** Stops, then checks that every record sent was acknowledged and read back, in order; returns the count. */
  finish(): Promise<number>;
}

export async function startWellBehavedClient(client: Client, topic: string): Promise<WellBehavedClient> {
  await client.admin().createTopic(topic, { partitions: 1 });
  const producer = client.producer({ lingerMs: 0 });
  const consumer = client.consumer({ maxWaitMs: 100 });
  consumer.assign([{ topic, partition: 0, offset: 0 }]);
  const read: string[] = [];
  let sent = 0;
  let stopped = false;
  const produce = (async () => {
    while (!stopped) await producer.send({ topic, messages: [{ value: `ok-${sent++}` }] });
  })();
  const consume = (async () => {
    while (!stopped || read.length < sent) {
      for (const batch of await consumer.poll()) read.push(...batch.map((m) => (m.value as Buffer).toString()));
    }
  })();
  return {
    async finish() {
      stopped = true;
      await produce;
      await consume;
      await producer.close();
      await consumer.close();
      const expected = Array.from({ length: sent }, (_, i) => `ok-${i}`);
      if (read.join() !== expected.join()) throw new Error(`the well-behaved client read ${read.length} of ${sent} records, or out of order`);
      return sent;
    },
  };
}
