import type { Client } from '@klog/client';
import { AckWindow } from '../ack-window.js';
import { PRODUCE_CHUNK } from '../phases.js';
import { MessageSource } from '../workload.js';

/** send() calls in flight, as for the klog-broker target of the side-by-side bench. */
const SEND_WINDOW = 32;

/** Writes `records` random keyed records (spread over the partitions by key) and waits for every acknowledgement. */
export async function produceRecords(client: Client, topic: string, records: number, keyBytes: number, valueBytes: number): Promise<void> {
  const source = new MessageSource(keyBytes, valueBytes);
  const producer = client.producer({ acks: 1 });
  const window = new AckWindow(SEND_WINDOW);
  for (let sent = 0; sent < records; sent += PRODUCE_CHUNK) {
    window.add(producer.send({ topic, messages: source.next(Math.min(PRODUCE_CHUNK, records - sent)) }));
    await window.room();
  }
  await producer.flush();
  await window.drain();
  await producer.close();
}
