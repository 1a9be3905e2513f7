import type { Client } from '@klog/client';
import { meterPhase } from '../phase-meter.js';
import { cpuSeconds } from '../proc-stats.js';
import { MemberProcess } from './member-process.js';
import type { MemberDone } from './member-protocol.js';
import { produceRecords } from './produce.js';
import { waitStable } from './settle.js';

/** A group of `members` consumer processes reading the whole topic once. */
export interface ThroughputRow {
  members: number;
  partitions: number;
  records: number;
  seconds: number;
  recordsPerSec: number;
  /** (key + value) bytes per second, in 10^6 bytes. */
  mbPerSec: number;
  brokerPeakRssMb: number;
  brokerCpuSeconds: number;
  /** CPU of all member processes together over the measured read. */
  membersCpuSeconds: number;
  heldAtGate: number;
  perMember: MemberDone[];
}

export interface ThroughputShape {
  records: number;
  keyBytes: number;
  valueBytes: number;
  partitions: number;
}

function log(line: string): void {
  process.stderr.write(`bench groups: ${line}\n`);
}

/**
 * The members (one process each) join a group on an empty topic and wait until it is Stable; then the topic is
 * filled and the clock starts when they are told to go. So the read is timed without the rebalance of the
 * group forming, and with the group in place none of the members has had a head start on the others.
 */
export async function groupThroughput(client: Client, address: string, brokerPid: number, members: number, shape: ThroughputShape): Promise<ThroughputRow> {
  const admin = client.admin();
  const topic = `throughput-${members}`;
  await admin.createTopic(topic, { partitions: shape.partitions });
  const clientIds = Array.from({ length: members }, (_, i) => `${topic}-member-${i}`);
  const procs = clientIds.map((clientId) => MemberProcess.start({ address, topic, groupId: topic, clientId }));
  try {
    await waitStable(admin, topic, clientIds, topic, shape.partitions);
    log(`${members} member(s): group stable; producing ${shape.records.toLocaleString('en-US')} records`);
    await produceRecords(client, topic, shape.records, shape.keyBytes, shape.valueBytes);
    const ends: number[] = [];
    for (const { partition, offset } of await admin.fetchOffsets(topic, 'latest')) ends[partition] = offset;

    const cpu0 = procs.map((p) => cpuSeconds(p.pid) ?? 0);
    const { result: perMember, cost } = await meterPhase(brokerPid, async () => {
      for (const p of procs) p.go(ends);
      return Promise.all(procs.map((p) => p.done));
    });
    const membersCpuSeconds = procs.reduce((sum, p, i) => sum + (cpuSeconds(p.pid) ?? cpu0[i]) - cpu0[i], 0);
    const records = perMember.reduce((sum, d) => sum + d.records, 0);
    if (records !== shape.records) log(`warning: ${members} member(s) processed ${records} records of ${shape.records}`);
    const row: ThroughputRow = {
      members,
      partitions: shape.partitions,
      records,
      seconds: cost.seconds,
      recordsPerSec: records / cost.seconds,
      mbPerSec: (records * (shape.keyBytes + shape.valueBytes)) / cost.seconds / 1e6,
      brokerPeakRssMb: cost.peakRssBytes / 1e6,
      brokerCpuSeconds: cost.serverCpuSeconds,
      membersCpuSeconds,
      heldAtGate: perMember.reduce((sum, d) => sum + d.heldAtGate, 0),
      perMember,
    };
    log(`${members} member(s): ${Math.round(row.recordsPerSec).toLocaleString('en-US')} rec/s`);
    return row;
  } finally {
    await Promise.all(procs.map((p) => p.stop()));
    await admin.deleteTopic(topic);
  }
}
