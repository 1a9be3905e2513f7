import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin, GroupInfo } from '@klog/client';
import { isKlogError } from '@klog/log-core';
import { assignmentKey, type GroupMember } from './group-member.js';

/** Pause between describeGroup calls while waiting: the resolution of the "stable" time. */
const DESCRIBE_EVERY_MS = 5;
/** A group that has not settled by then is reported as a failure rather than waited on for ever. */
const SETTLE_TIMEOUT_MS = 120_000;

/**
 * The assignment per member client id when the coordinator reports the group Stable with exactly these members
 * and every partition of the topic owned exactly once; null otherwise.
 */
export function stableAssignment(info: GroupInfo, clientIds: string[], topic: string, partitions: number): Map<string, string> | null {
  if (info.state !== 'Stable' || info.members.length !== clientIds.length) return null;
  const owned = new Set<number>();
  const byClient = new Map<string, string>();
  for (const m of info.members) {
    for (const p of m.assignment ?? []) {
      if (p.topic !== topic || owned.has(p.partition)) return null;
      owned.add(p.partition);
    }
    byClient.set(m.clientId, assignmentKey(m.assignment ?? []));
  }
  if (owned.size !== partitions || clientIds.some((id) => !byClient.has(id))) return null;
  return byClient;
}

/** The group's description; before its first member's join has reached the coordinator, an empty one. */
async function describe(admin: Admin, groupId: string): Promise<GroupInfo> {
  try {
    return await admin.describeGroup(groupId);
  } catch (err) {
    if (!isKlogError(err, 'GROUP_ID_NOT_FOUND')) throw err;
    return { groupId, state: 'Dead', generationId: 0, protocolType: '', protocolName: null, leaderId: null, members: [], partitions: [] };
  }
}

/** Polls describeGroup until stableAssignment holds; resolves with the group's description at that moment. */
export async function waitStable(admin: Admin, groupId: string, clientIds: string[], topic: string, partitions: number): Promise<GroupInfo> {
  const deadline = performance.now() + SETTLE_TIMEOUT_MS;
  for (;;) {
    const info = await describe(admin, groupId);
    if (stableAssignment(info, clientIds, topic, partitions)) return info;
    if (performance.now() > deadline) throw new Error(`group ${groupId} did not become Stable with ${clientIds.length} members: ${info.state}, ${info.members.length} members`);
    await sleep(DESCRIBE_EVERY_MS);
  }
}

export interface Settled {
  /** From the event to the first describeGroup answer showing the new generation Stable and covering the topic. */
  stableMs: number;
  /** From the event until every member, holding that generation's assignment, has received a message. */
  consumingMs: number;
  generationId: number;
}

/**
 * Waits until the group has settled after an event at time t0 (performance.now()): the coordinator reports it
 * Stable with exactly `members`, their assignments cover every partition once, each member holds locally the
 * assignment the coordinator lists for it, and then each has received a message.
 */
export async function waitSettled(admin: Admin, groupId: string, members: GroupMember[], topic: string, partitions: number, t0: number): Promise<Settled> {
  const clientIds = members.map((m) => m.clientId);
  let stable: { at: number; generationId: number; idle: Set<string> } | null = null;
  for (;;) {
    const failed = members.find((m) => m.failure !== null);
    if (failed) throw new Error(`${failed.clientId} stopped: ${String(failed.failure)}`);
    const info = await describe(admin, groupId);
    const now = performance.now();
    const assignment = stableAssignment(info, clientIds, topic, partitions);
    const held = assignment !== null && members.every((m) => m.assignmentKey() === assignment.get(m.clientId));
    if (!held) {
      stable = null;
    } else if (stable === null || stable.generationId !== info.generationId) {
      // Messages count from the answer's arrival on: one received earlier may belong to the previous generation.
      // A member the assignor gave nothing (more members than partitions) has nothing to receive.
      const idle = new Set(clientIds.filter((id) => assignment.get(id) === ''));
      stable = { at: now, generationId: info.generationId, idle };
      for (const m of members) m.watchFrom(now);
    }
    const firsts = stable === null ? [] : members.filter((m) => !stable!.idle.has(m.clientId)).map((m) => m.firstMessageAt());
    if (stable !== null && firsts.every((t) => t !== null)) {
      return { stableMs: stable.at - t0, consumingMs: Math.max(stable.at, ...(firsts as number[])) - t0, generationId: stable.generationId };
    }
    if (now - t0 > SETTLE_TIMEOUT_MS) {
      throw new Error(`group ${groupId} did not settle with ${members.length} members in ${SETTLE_TIMEOUT_MS / 1000} s: ${info.state}, generation ${info.generationId}, ${info.members.length} members`);
    }
    await sleep(DESCRIBE_EVERY_MS);
  }
}
