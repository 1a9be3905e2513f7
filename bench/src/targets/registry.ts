import type { Target } from '../target.js';
import { klogBrokerTargets } from './klog-broker.js';
import { klogEmbeddedTargets } from './klog-embedded.js';
import { klogKafkaTargets } from './klog-kafka.js';
import { natsTarget } from './nats.js';
import { redisTargets } from './redis.js';

/** Every system at every setting, in the order they run and are printed. */
export const allTargets: Target[] = [...redisTargets, natsTarget, ...klogEmbeddedTargets, ...klogBrokerTargets, ...klogKafkaTargets];

/** Targets selected by `--only` entries, each a system (`redis`) or system:setting (`redis:memory`). */
export function selectTargets(only: string[]): Target[] {
  if (only.length === 0) return allTargets;
  const unknown = only.filter((f) => !allTargets.some((t) => matches(t, f)));
  if (unknown.length > 0) {
    const known = allTargets.map((t) => `${t.system}:${t.setting}`).join(', ');
    throw new Error(`--only: no target matches ${unknown.join(', ')} (targets: ${known})`);
  }
  return allTargets.filter((t) => only.some((f) => matches(t, f)));
}

function matches(t: Target, filter: string): boolean {
  return filter === t.system || filter === `${t.system}:${t.setting}`;
}
