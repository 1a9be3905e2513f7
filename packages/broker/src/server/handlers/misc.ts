import { API_VERSIONS, PROTOCOL_NAME } from '@klog/protocol';
import type { BrokerContext } from '../broker-context.js';

export async function apiVersions(): Promise<Record<string, unknown>> {
  return {
    protocol: PROTOCOL_NAME,
    apis: Object.entries(API_VERSIONS).map(([api, v]) => ({ api, minVersion: v.min, maxVersion: v.max })),
  };
}

/** A fresh producer id for an idempotent producer; the broker drops its retried duplicate batches. */
export async function initProducerId(_req: Record<string, unknown>, ctx: BrokerContext): Promise<Record<string, unknown>> {
  return { producerId: ctx.producerIds.allocate(), producerEpoch: 0 };
}
