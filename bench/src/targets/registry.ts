import type { Target } from '../target.js';
import { klogBrokerTargets } from './klog-broker.js';
import { klogEmbeddedTargets } from './klog-embedded.js';
import { klogKafkaTargets } from './klog-kafka.js';
import { natsTarget } from './nats.js';
import { rabbitmqTarget } from './rabbitmq.js';
import { redisTargets } from './redis.js';

/** Every system at every setting, in the order they run and are printed. */
export const allTargets: Target[] = [...redisTargets, natsTarget, ...klogEmbeddedTargets, ...klogBrokerTargets, ...klogKafkaTargets];

/** Systems that only the queue suite measures: RabbitMQ is a queue, not a log. */
export const queueOnlyTargets: Target[] = [rabbitmqTarget];

/**
 * The targets of `pool` selected by `--only` entries, each a system (`redis`) or system:setting (`redis:memory`);
 * an entry that names no target of any suite is an error.
 */
export function selectTargets(only: string[], pool: Target[] = allTargets): Target[] {
  if (only.length === 0) return pool;
  const known = [...allTargets, ...queueOnlyTargets];
  const unknown = only.filter((f) => !known.some((t) => matches(t, f)));
  if (unknown.length > 0) {
    throw new Error(`--only: no target matches ${unknown.join(', ')} (targets: ${known.map((t) => `${t.system}:${t.setting}`).join(', ')})`);
  }
  return pool.filter((t) => only.some((f) => matches(t, f)));
}

function matches(t: Target, filter: string): boolean {
  return filter === t.system || filter === `${t.system}:${t.setting}`;
}
