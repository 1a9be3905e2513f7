import { KlogError } from '@klog/log-core';
import { API_VERSIONS, type ApiName } from '@klog/protocol';
import type { BrokerContext } from './broker-context.js';
import { fetch } from './handlers/fetch.js';
import {
  deleteGroup, describeGroup, heartbeat, joinGroup, leaveGroup, listGroups, offsetCommit, offsetFetch, resetOffsets, syncGroup,
} from './handlers/groups.js';
import { listOffsets } from './handlers/list-offsets.js';
import { metadata } from './handlers/metadata.js';
import { apiVersions, initProducerId } from './handlers/misc.js';
import { produce } from './handlers/produce.js';
import { createTopics, deleteTopics } from './handlers/topics.js';

/** What a handler knows of the connection its request came on. */
export interface RequestContext {
  /** Aborted when the connection closes (ends long-polls early). */
  closed: AbortSignal;
  remoteHost: string;
  /**
   * For requests whose answers can be large: waits until this many bytes of answer fit in the connection's
   * buffer limit and resolves with the bytes granted (possibly fewer); the answer should stay within them.
   */
  reserveAnswerBytes(bytes: number): Promise<number>;
}

/** A handler answers with a response body, or null for no answer at all (produce with acks 0). */
export type Handler = (req: Record<string, unknown>, ctx: BrokerContext, conn: RequestContext) => Promise<Record<string, unknown> | null>;

const HANDLERS: Record<ApiName, Handler> = {
  apiVersions,
  metadata,
  createTopics,
  deleteTopics,
  listOffsets,
  produce,
  fetch,
  initProducerId,
  joinGroup,
  syncGroup,
  heartbeat,
  leaveGroup,
  offsetCommit,
  offsetFetch,
  listGroups,
  describeGroup,
  resetOffsets,
  deleteGroup,
};

export function findHandler(api: string, version: number): Handler {
  const entry = Object.hasOwn(HANDLERS, api) ? { handler: HANDLERS[api as ApiName], ...API_VERSIONS[api as ApiName] } : null;
  if (!entry) throw new KlogError('UNKNOWN_API', `unknown api ${JSON.stringify(api)}; call apiVersions for the list`);
  if (version < entry.min || version > entry.max) {
    throw new KlogError('UNSUPPORTED_VERSION', `api ${api} version ${version} is not supported (supported: ${entry.min} to ${entry.max})`);
  }
  return entry.handler;
}
