import type { Client } from '@klog/client';

/** How often every partition gets a fresh record; it bounds how late "has received a message" can be seen. */
export const TRICKLE_MS = 10;

/**
 * A steady trickle of one small record per partition every TRICKLE_MS while a rebalance case runs. Without it a
 * member handed partitions it had caught up on (committed offsets at the end) would receive nothing, and
 * "consuming" could not be observed.
 */
export function startTrickle(client: Client, topic: string, partitions: number): { stop(): Promise<void> } {
  const producer = client.producer({ lingerMs: 0, acks: 1 });
  const messages = Array.from({ length: partitions }, (_, partition) => ({ partition, value: 'tick' }));
  let inFlight: Promise<unknown> | null = null;
  let failure: unknown = null;
  const timer = setInterval(() => {
    if (inFlight) return; // the broker is behind: skip a tick rather than pile sends up
    inFlight = producer
      .send({ topic, messages })
      .catch((err: unknown) => (failure = err))
      .finally(() => (inFlight = null));
  }, TRICKLE_MS);
  return {
    async stop() {
      clearInterval(timer);
      await inFlight;
      await producer.close();
      if (failure !== null) throw failure;
    },
  };
}
