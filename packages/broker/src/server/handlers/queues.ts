import {
  SHARE_FETCH_DEFAULTS, groupDeliveries, toWireError, type RequestOf, type ResponseOf, type ShareAck, type ShareAckFailure, type ShareAckOutcome,
} from '@klog/protocol';
import type { KlogError } from '@klog/log-core';
import type { BrokerContext } from '../broker-context.js';
import type { RequestContext } from '../request-context.js';

/**
 * The queue APIs of the native protocol: thin translations onto the broker's QueueHost (sessions) and its
 * QueueManager (the rules). shareFetch long-polls, so clients keep a connection for it apart from their acks.
 */

export async function createQueue(req: RequestOf<'createQueue'>, ctx: BrokerContext): Promise<ResponseOf<'createQueue'>> {
  const config = await ctx.queues.manager.create(req);
  ctx.topicsChanged(); // a dead-letter topic may have been created
  return { config };
}

export async function shareFetch(req: RequestOf<'shareFetch'>, ctx: BrokerContext, conn: RequestContext): Promise<ResponseOf<'shareFetch'>> {
  const origin = { closed: conn.closed, clientHost: conn.remoteHost };
  const acks = req.acks ?? [];
  // Acks first, so the slots they free count for this fetch; both changes then share the state write under way.
  const acked = acks.length > 0 ? ctx.queues.acknowledge(req.queue, req.memberId, origin, acks) : undefined;
  const got = ctx.queues.fetch(req.queue, req.memberId, origin, {
    max: req.maxRecords ?? SHARE_FETCH_DEFAULTS.maxRecords,
    // Acks carried here must not wait behind a long-poll: with any, take what is there and answer.
    maxWaitMs: acks.length > 0 ? 0 : req.maxWaitMs ?? SHARE_FETCH_DEFAULTS.maxWaitMs,
    stop: ctx.shutdown.signal,
  });
  const [errors, deliveries] = await Promise.all([acked ?? NO_ERRORS, got]);
  // The protocol's schema writes these in the form of the request's version (one map per record below v2).
  return { records: groupDeliveries(deliveries), ackResults: ackOutcome(acks, errors, ctx) };
}

export async function shareAcknowledge(req: RequestOf<'shareAcknowledge'>, ctx: BrokerContext, conn: RequestContext): Promise<ResponseOf<'shareAcknowledge'>> {
  const errors = await ctx.queues.acknowledge(req.queue, req.memberId, { closed: conn.closed, clientHost: conn.remoteHost }, req.acks);
  return { results: ackOutcome(req.acks, errors, ctx) };
}

const NO_ERRORS: (KlogError | undefined)[] = [];

/**
 * The refused acks, by index. The acks themselves go along for peers of older versions, whose answers name
 * every ack; an answer in the newer form names only the refused ones.
 */
function ackOutcome(acks: ShareAck[], errors: (KlogError | undefined)[], ctx: BrokerContext): ShareAckOutcome {
  const failures: ShareAckFailure[] = [];
  for (let index = 0; index < errors.length; index++) {
    const err = errors[index];
    if (err === undefined) continue;
    const a = acks[index];
    failures.push({ index, topic: a.topic, partition: a.partition, offset: a.offset, ...toWireError(err, ctx.logger) });
  }
  return { acks, failures };
}

export async function leaveQueue(req: RequestOf<'leaveQueue'>, ctx: BrokerContext): Promise<ResponseOf<'leaveQueue'>> {
  await ctx.queues.leave(req.queue, req.memberId);
  return {};
}

export async function listQueues(_req: RequestOf<'listQueues'>, ctx: BrokerContext): Promise<ResponseOf<'listQueues'>> {
  const { manager } = ctx.queues;
  return { queues: manager.list().map((name) => ({ name, topics: manager.config(name).topics, members: ctx.queues.memberCount(name) })) };
}

export async function describeQueue(req: RequestOf<'describeQueue'>, ctx: BrokerContext): Promise<ResponseOf<'describeQueue'>> {
  const { manager } = ctx.queues;
  const config = manager.config(req.queue);
  return { config, members: ctx.queues.membersOf(req.queue), partitions: await manager.stats(req.queue) };
}

export async function redriveQueue(req: RequestOf<'redriveQueue'>, ctx: BrokerContext): Promise<ResponseOf<'redriveQueue'>> {
  return ctx.queues.manager.redrive(req.queue, { max: req.max });
}

export async function resetQueue(req: RequestOf<'resetQueue'>, ctx: BrokerContext): Promise<ResponseOf<'resetQueue'>> {
  await ctx.queues.manager.reset(req.queue, { to: req.to });
  return {};
}

export async function deleteQueue(req: RequestOf<'deleteQueue'>, ctx: BrokerContext): Promise<ResponseOf<'deleteQueue'>> {
  await ctx.queues.manager.delete(req.queue);
  ctx.queues.forget(req.queue);
  return {};
}
