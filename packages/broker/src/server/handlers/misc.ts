import { PROTOCOL_NAME, type ApiName, type ResponseOf } from '@klog/protocol';
import type { BrokerContext } from '../broker-context.js';
import { supportedVersions } from '../supported-versions.js';

export async function apiVersions(_req: unknown, ctx: BrokerContext): Promise<ResponseOf<'apiVersions'>> {
  const supported = supportedVersions(ctx.config.apiVersions);
  return {
    protocol: PROTOCOL_NAME,
    apis: (Object.keys(supported) as ApiName[]).map((api) => ({ api, minVersion: supported[api]!.min, maxVersion: supported[api]!.max })),
  };
}

/** A fresh producer id for an idempotent producer; the broker drops its retried duplicate batches. */
export async function initProducerId(_req: unknown, ctx: BrokerContext): Promise<ResponseOf<'initProducerId'>> {
  return { producerId: ctx.producerIds.allocate(), producerEpoch: 0 };
}
