import { KlogError } from '@klog/log-core';
import { API_VERSIONS, type ApiName } from '../protocol/apis.js';
import type { BrokerContext } from './broker-context.js';
import { fetch } from './handlers/fetch.js';
import { listOffsets } from './handlers/list-offsets.js';
import { metadata } from './handlers/metadata.js';
import { apiVersions, initProducerId } from './handlers/misc.js';
import { produce } from './handlers/produce.js';
import { createTopics, deleteTopics } from './handlers/topics.js';

/** A handler answers with a response body, or null for no answer at all (produce with acks 0). */
export type Handler = (req: Record<string, unknown>, ctx: BrokerContext, closed: AbortSignal) => Promise<Record<string, unknown> | null>;

const HANDLERS: Record<ApiName, Handler> = {
  apiVersions,
  metadata,
  createTopics,
  deleteTopics,
  listOffsets,
  produce,
  fetch,
  initProducerId,
};

/** Extra APIs a broker adds (the group coordinator's), with their versions. */
export type ExtraApis = Record<string, { handler: Handler; min: number; max: number }>;

export function findHandler(api: string, version: number, extra: ExtraApis): Handler {
  const own = Object.hasOwn(HANDLERS, api) ? { handler: HANDLERS[api as ApiName], ...API_VERSIONS[api as ApiName] } : null;
  const entry = own ?? (Object.hasOwn(extra, api) ? extra[api] : null);
  if (!entry) throw new KlogError('UNKNOWN_API', `unknown api ${JSON.stringify(api)}; call apiVersions for the list`);
  if (version < entry.min || version > entry.max) {
    throw new KlogError('UNSUPPORTED_VERSION', `api ${api} version ${version} is not supported (supported: ${entry.min} to ${entry.max})`);
  }
  return entry.handler;
}
