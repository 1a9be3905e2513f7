import { KlogError } from '@klog/log-core';
import type { Logger } from 'pino';
import { API_VERSIONS_KEY, findKafkaApi } from './api-registry.js';
import { unsupportedApiVersions } from './apis/api-versions.js';
import { KafkaReader } from './codec/reader.js';
import type { KafkaWriter } from './codec/writer.js';
import { KafkaError } from './error-codes.js';
import { authorizeKafkaRequest, narrowKafkaResponse } from './kafka-authorization.js';
import { isSchemaApi, type ClassicKafkaApi, type KafkaApi, type KafkaRequestContext } from './kafka-api.js';
import { finishRequestHeader, readRequestHeader, type RequestHeader } from './request-header.js';
import { readMessage } from './schema/message-reader.js';
import { writeMessage } from './schema/message-writer.js';
import { isFlexible, type Infer, type MessageSchema } from './schema/schema.js';

/** What to do with one request frame: answer it, say nothing (Produce acks 0), or give up the connection. */
export type Dispatched =
  | { readonly action: 'respond'; readonly correlationId: number; readonly body: KafkaWriter; readonly flexibleHeader: boolean }
  | { readonly action: 'none' }
  | { readonly action: 'close'; readonly details: Record<string, unknown>; readonly reason: string };

const NONE: Dispatched = { action: 'none' };

/**
 * One request frame (header and body, without its size) to its answer, with no socket involved: the header,
 * the API and version, the body decoded by the API's schema, the handler, the response encoded at the request's
 * version. A version Kafka defines but klog does not serve gets the API's error response; a version beyond any
 * Kafka defines cannot be answered (except ApiVersions, KIP-511), nor can a body that does not parse.
 */
export async function dispatchRequest(frame: Buffer, ctx: Omit<KafkaRequestContext, 'clientId'>, log: Logger): Promise<Dispatched> {
  const body = new KafkaReader(frame);
  let header: RequestHeader;
  try {
    header = readRequestHeader(body);
  } catch {
    return close({ bytes: frame.length }, 'malformed request header');
  }
  const { apiKey, apiVersion } = header;
  const api = findKafkaApi(apiKey);
  // No response can be shaped for a request we cannot read: Kafka closes the connection too.
  if (api === null) return close({ apiKey, apiVersion }, 'unknown api key');
  const served = apiVersion >= api.minVersion && apiVersion <= api.maxVersion;
  const requestCtx = { ...ctx, clientId: header.clientId };
  if (!isSchemaApi(api)) {
    return served ? handleClassic(api, body, header, requestCtx, log) : close({ api: api.name, apiVersion }, 'unsupported version');
  }
  const [knownMin, knownMax] = api.request.validVersions;
  if (apiVersion < knownMin || apiVersion > knownMax) {
    // KIP-511: a v0 answer naming our range, and the connection stays open for the retry.
    if (apiKey === API_VERSIONS_KEY) return { action: 'respond', correlationId: header.correlationId, body: unsupportedApiVersions(), flexibleHeader: false };
    return close({ api: api.name, apiVersion, known: `${knownMin}-${knownMax}` }, 'a version beyond any Kafka defines, so no answer can be encoded');
  }
  return handleSchema(api, body, header, served, requestCtx, log);
}

/** Decoded, then handled if klog serves the version, else answered with UNSUPPORTED_VERSION at that version. */
async function handleSchema(api: KafkaApi, body: KafkaReader, header: RequestHeader, served: boolean, ctx: KafkaRequestContext, log: Logger): Promise<Dispatched> {
  const version = header.apiVersion;
  const started = performance.now();
  let response: Infer<MessageSchema> | null;
  try {
    finishRequestHeader(body, isFlexible(api.request, version));
    const request = readMessage(api.request, body, version);
    response = served ? await authorizedHandle(api, request, version, ctx) : api.errorResponse(request, version, KafkaError.UNSUPPORTED_VERSION);
    ctx.broker.metrics.requestDone('kafka', api.name, (performance.now() - started) / 1000);
    if (response === null) return NONE;
    const flexibleHeader = !api.responseHeaderV0 && isFlexible(api.response, version);
    return { action: 'respond', correlationId: header.correlationId, body: writeMessage(api.response, response, version), flexibleHeader };
  } catch (err) {
    return failed(api.name, started, err, ctx, log);
  }
}

/** The handler, behind the ACLs: a denied request gets the API's error response with the *_AUTHORIZATION_FAILED code. */
async function authorizedHandle(api: KafkaApi, request: Infer<MessageSchema>, version: number, ctx: KafkaRequestContext): Promise<Infer<MessageSchema> | null> {
  const { authorizer } = ctx.broker;
  const principal = ctx.principal ?? null;
  const denied = authorizeKafkaRequest(api.name, request, version, authorizer, principal);
  if (denied !== null) return api.errorResponse(request, version, denied);
  const topics = (request as { topics?: unknown[] | null }).topics;
  const allTopics = topics === null || (version === 0 && Array.isArray(topics) && topics.length === 0);
  const response = await api.handle(request, version, ctx);
  if (response !== null) narrowKafkaResponse(api.name, response, authorizer, principal, allTopics);
  return response;
}

async function handleClassic(api: ClassicKafkaApi, body: KafkaReader, header: RequestHeader, ctx: KafkaRequestContext, log: Logger): Promise<Dispatched> {
  const started = performance.now();
  try {
    const response = await api.handle(body, header.apiVersion, ctx);
    ctx.broker.metrics.requestDone('kafka', api.name, (performance.now() - started) / 1000);
    return response === null ? NONE : { action: 'respond', correlationId: header.correlationId, body: response, flexibleHeader: false };
  } catch (err) {
    return failed(api.name, started, err, ctx, log);
  }
}

/** A request that could not be answered: a malformed one or a bug. Either way the stream is given up. */
function failed(apiName: string, started: number, err: unknown, ctx: KafkaRequestContext, log: Logger): Dispatched {
  ctx.broker.metrics.requestDone('kafka', apiName, (performance.now() - started) / 1000, err instanceof KlogError ? err.code : 'INTERNAL_ERROR');
  if (err instanceof KlogError && err.code === 'INVALID_REQUEST') return close({ api: apiName, reason: err.message }, 'malformed request');
  log.error({ err, api: apiName }, 'kafka request failed');
  return close({ api: apiName }, 'internal error');
}

function close(details: Record<string, unknown>, reason: string): Dispatched {
  return { action: 'close', details, reason };
}
