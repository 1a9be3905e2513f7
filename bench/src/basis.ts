import type { CaseSummary } from './cases.js';
import type { RowSuite } from './row.js';

/**
 * The systems other cases are compared with, per suite, in order of preference. Side by side: the broker (a
 * server, like the peers), else the embedded store; every other case is compared, klog-kafka (kafkajs on the
 * broker's Kafka listener) included: its ratio is what klog's own client gains over a stock Kafka client on the
 * same broker. Capacity: klog's Kafka listener driven by kcat, against a peer driven by its own C client.
 */
const BASIS_SYSTEMS: Partial<Record<RowSuite, string[]>> = {
  throughput: ['klog-broker', 'klog-embedded'],
  latency: ['klog-broker', 'klog-embedded'],
  capacity: ['klog-kafka'],
};

/** The klog case `peer` is compared with, at the same fsync class, phase and partition count; none for a basis case. */
export function klogBasis(cases: readonly CaseSummary[], peer: CaseSummary): CaseSummary | undefined {
  const systems = BASIS_SYSTEMS[peer.suite] ?? [];
  if (systems.includes(peer.system)) return undefined;
  const candidates = cases.filter(
    (c) => c.runs > 0 && c.suite === peer.suite && c.phase === peer.phase && c.fsyncClass === peer.fsyncClass && c.partitions === peer.partitions,
  );
  for (const system of systems) {
    const basis = candidates.find((c) => c.system === system);
    if (basis !== undefined) return basis;
  }
  return undefined;
}
