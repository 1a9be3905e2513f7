import { KlogError } from '@klog/log-core';
import { decodeRequest, encodeResponse, isApiName, type ApiName, type RequestHeader, type RequestOf, type ResponseOf } from '@klog/protocol';
import type { BrokerContext } from './broker-context.js';
import { fetch } from './handlers/fetch.js';
import {
  deleteGroup, describeGroup, heartbeat, joinGroup, leaveGroup, listGroups, offsetCommit, offsetFetch, resetOffsets, syncGroup,
} from './handlers/groups.js';
import { listOffsets } from './handlers/list-offsets.js';
import {
  createQueue, deleteQueue, describeQueue, leaveQueue, listQueues, redriveQueue, resetQueue, shareAcknowledge, shareFetch,
} from './handlers/queues.js';
import { metadata } from './handlers/metadata.js';
import { apiVersions, initProducerId } from './handlers/misc.js';
import { produce } from './handlers/produce.js';
import { aclAdd, aclList, aclRemove, saslAuthenticate, saslHandshake, userAdd, userList, userRemove } from './handlers/security.js';
import { alterTopicConfigs, compactTopic, createPartitions, createTopics, deleteRecords, deleteTopics } from './handlers/topics.js';
import type { RequestContext } from './request-context.js';
import { authorizeRequest, filterResponse } from './request-authorization.js';
import { supportedVersions } from './supported-versions.js';

export type { RequestContext };

/**
 * A handler gets its request decoded and validated, and answers with the response body; produce may answer
 * null, for no answer at all (acks 0).
 */
export type Handler<A extends ApiName> = (req: RequestOf<A>, ctx: BrokerContext, conn: RequestContext)
  => Promise<ResponseOf<A> | (A extends 'produce' ? null : never)>;

const HANDLERS: { [A in ApiName]: Handler<A> } = {
  apiVersions,
  metadata,
  createTopics,
  deleteTopics,
  alterTopicConfigs,
  compactTopic,
  createPartitions,
  deleteRecords,
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
  createQueue,
  shareFetch,
  shareAcknowledge,
  leaveQueue,
  listQueues,
  describeQueue,
  redriveQueue,
  resetQueue,
  deleteQueue,
  saslHandshake,
  saslAuthenticate,
  userAdd,
  userList,
  userRemove,
  aclAdd,
  aclList,
  aclRemove,
};

/**
 * Answers one request: decodes its body for the API and version in its header, runs the handler, and encodes
 * the answer (null: none). An unknown API or version throws UNSUPPORTED_VERSION, a bad field INVALID_REQUEST;
 * the connection turns them into an error answer carrying the request's correlation id.
 */
export async function answerRequest(header: RequestHeader, body: Record<string, unknown>, ctx: BrokerContext, conn: RequestContext): Promise<Buffer | null> {
  const supported = supportedVersions(ctx.config.apiVersions);
  const range = isApiName(header.api) ? supported[header.api] : undefined;
  if (!isApiName(header.api) || !range) {
    throw new KlogError('UNSUPPORTED_VERSION',
      `unknown api ${JSON.stringify(header.api)}; this broker speaks ${Object.keys(supported).join(', ')} (call apiVersions for their versions)`);
  }
  if (header.version < range.min || header.version > range.max) {
    throw new KlogError('UNSUPPORTED_VERSION',
      `api ${header.api} version ${header.version} is not supported (this broker speaks versions ${range.min} to ${range.max})`);
  }
  conn.auth.check(header.api);
  return run(header.api, header, body, ctx, conn);
}

async function run<A extends ApiName>(api: A, header: RequestHeader, body: Record<string, unknown>, ctx: BrokerContext, conn: RequestContext): Promise<Buffer | null> {
  const principal = conn.auth.principal;
  const req = authorizeRequest(api, decodeRequest(api, header.version, body), ctx, principal);
  const res = await HANDLERS[api](req, ctx, conn);
  return res === null ? null : encodeResponse(api, header.version, header.correlationId, filterResponse(api, res, ctx, principal));
}

/** Calls the handler of one API directly (no frames): for tests of the handlers through the typed API. */
export function handlerOf<A extends ApiName>(api: A): Handler<A> {
  return HANDLERS[api];
}
