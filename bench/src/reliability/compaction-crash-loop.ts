import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { LogStore, type StoredRecord } from '@klog/log-core';
import { onLines } from './child-lines.js';
import { COMPACTING_STORE_SCRIPT } from './fixture-scripts.js';
import { randomDelay } from './random-delay.js';

export interface CompactionCrashLoopOptions {
  dataDir: string;
  kills: number;
  partitions?: number;
  /**
   * Half the records have one of `hotKeys` keys (superseded at once, so compaction has work at every pass),
   * half one of `keys` cold keys (whose latest record often lies in a sealed segment that compaction rewrites).
   */
  hotKeys?: number;
  keys?: number;
  /** Small segments, so that kills land around rolls and inside the swaps of many cleaned segments. */
  segmentBytes?: number;
  /**
   * The store's compactionKeyMapBytes: small, so that a pass often maps only part of the dirty section and
   * kills also land between the passes of one partial cleaning.
   */
  keyMapBytes?: number;
  /** Every n-th record of a lane is a tombstone. */
  tombstoneEvery?: number;
  /** The store runs for a random time in this range (ms) after it is ready, then is SIGKILLed: long enough
   * for compaction passes to finish (each restart finds the whole log dirty), short enough to kill many mid-pass. */
  upMs?: [number, number];
}

export interface CompactionCrashLoopResult {
  kills: number;
  acknowledged: number;
  tombstonesAcknowledged: number;
  /** Compaction passes that finished (and how many of them swapped segments in) across all runs. */
  passes: number;
  passesThatCleaned: number;
  /** Records in the recovered log, and the offsets compaction removed between logStartOffset and the end. */
  records: number;
  gaps: number;
  /** Keys whose latest acknowledged value (or tombstone) is missing and not superseded by a later record. */
  lostLatest: string[];
  /** Acknowledged records found at another offset than the one acknowledged, or out of order. */
  moved: string[];
  /** Reads starting at an offset of the log that did not return the next record that exists. */
  badReads: string[];
  /** Leftovers of an unfinished swap after reopening, and child processes that failed on their own. */
  leftovers: string[];
  childErrors: string[];
}

interface Ack {
  partition: number;
  offset: number;
  key: string;
  seq: string;
  tombstone: boolean;
}

const TOPIC = 'kc';
const SAMPLED_READS = 5000;

/** "run.i" as a pair, so that values order by when they were sent. */
function seqOrder(seq: string): [number, number] {
  const [run, i] = seq.split('.').map(Number);
  return [run, i];
}

function seqAfter(a: string, b: string): boolean {
  const [ra, ia] = seqOrder(a);
  const [rb, ib] = seqOrder(b);
  return ra > rb || (ra === rb && ia > ib);
}

function seqOf(r: StoredRecord): string {
  return r.headers.find((h) => h.key === 'seq')!.value!.toString();
}

/** One run of the compacting store: spawned, left running for a random time, SIGKILLed. */
async function runOnce(opts: Required<CompactionCrashLoopOptions>, run: number, acks: Ack[], result: CompactionCrashLoopResult): Promise<void> {
  const arg = { dataDir: opts.dataDir, run, hotKeys: opts.hotKeys, keys: opts.keys, partitions: opts.partitions, segmentBytes: opts.segmentBytes, keyMapBytes: opts.keyMapBytes, tombstoneEvery: opts.tombstoneEvery };
  const child = spawn(process.execPath, [COMPACTING_STORE_SCRIPT, JSON.stringify(arg)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const stderr: string[] = [];
  onLines(child.stderr!, (line) => stderr.push(line));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  const ready = new Promise<void>((resolve) => {
    onLines(child.stdout!, (line) => {
      const [what, ...f] = line.split(' ');
      if (what === 'ready') resolve();
      else if (what === 'pass') {
        result.passes++;
        if (Number(f[0]) > 0) result.passesThatCleaned++;
      } else if (what === 'ack') {
        acks.push({ partition: Number(f[0]), offset: Number(f[1]), key: f[2], seq: f[3], tombstone: f[4] === '-' });
      }
    });
  });
  const outcome = await Promise.race([ready.then(() => 'ready' as const), exited.then(() => 'exited' as const)]);
  if (outcome === 'ready') {
    await randomDelay(opts.upMs[0], opts.upMs[1]);
    child.kill('SIGKILL');
  }
  const signal = await exited;
  if (signal !== 'SIGKILL') result.childErrors.push(`run ${run} exited on its own (${signal}):\n${stderr.join('\n')}`);
}

/** Every record of a partition, read in small steps (many of them start inside a gap) and checked in order. */
async function readAll(store: LogStore, partition: number): Promise<StoredRecord[]> {
  const out: StoredRecord[] = [];
  let offset = store.logStartOffset(TOPIC, partition);
  const end = store.logEndOffset(TOPIC, partition);
  while (offset < end) {
    const res = await store.read(TOPIC, partition, { offset, maxBytes: 256 });
    out.push(...res.records);
    if (res.nextOffset <= offset) throw new Error(`${TOPIC}-${partition}: a read at ${offset} did not move on`);
    offset = res.nextOffset;
  }
  return out;
}

/**
 * The compaction crash loop: a store process appends keyed records and tombstones to a compacted topic with
 * small segments while compaction runs continuously; it is SIGKILLed at random moments and restarted on the
 * same directory. Afterwards the directory is opened here and checked: for every key, its latest acknowledged
 * record (value or tombstone) is there at its acknowledged offset, or a later record of the key is; every
 * surviving acknowledged record sits at the offset it was acknowledged at; a read from any offset, gaps
 * included, returns the next record that exists.
 */
export async function runCompactionCrashLoop(options: CompactionCrashLoopOptions): Promise<CompactionCrashLoopResult> {
  const opts: Required<CompactionCrashLoopOptions> = {
    partitions: 2, hotKeys: 20, keys: 2000, segmentBytes: 8192, keyMapBytes: 128 * 1024, tombstoneEvery: 7, upMs: [300, 1000], ...options,
  };
  const result: CompactionCrashLoopResult = {
    kills: 0, acknowledged: 0, tombstonesAcknowledged: 0, passes: 0, passesThatCleaned: 0, records: 0, gaps: 0,
    lostLatest: [], moved: [], badReads: [], leftovers: [], childErrors: [],
  };
  const acks: Ack[] = [];
  for (let run = 0; run < opts.kills; run++) {
    await runOnce(opts, run, acks, result);
    result.kills++;
  }
  result.acknowledged = acks.length;
  result.tombstonesAcknowledged = acks.filter((a) => a.tombstone).length;

  const store = await LogStore.open(opts.dataDir, { compactionCheckMs: 3_600_000 });
  try {
    for (let p = 0; p < opts.partitions; p++) {
      const dir = `${opts.dataDir}/${TOPIC}-${p}`;
      for (const name of readdirSync(dir)) {
        if (name.endsWith('.cleaned') || name.startsWith('compaction-swap')) result.leftovers.push(`${TOPIC}-${p}/${name}`);
      }
      const records = await readAll(store, p);
      result.records += records.length;
      checkOrder(records, p, acks, result);
      checkLatest(records, p, acks, result);
      await checkGapReads(store, records, p, result);
    }
  } finally {
    await store.close();
  }
  for (const list of [result.lostLatest, result.moved, result.badReads]) list.splice(20);
  return result;
}

/** Offsets strictly increase, so do the send orders, and an acknowledged record is where it was acknowledged. */
function checkOrder(records: StoredRecord[], p: number, acks: Ack[], result: CompactionCrashLoopResult): void {
  const ackedAt = new Map(acks.filter((a) => a.partition === p).map((a) => [a.seq, a]));
  records.forEach((r, i) => {
    const seq = seqOf(r);
    const prev = records[i - 1];
    if (prev && (r.offset <= prev.offset || !seqAfter(seq, seqOf(prev)))) {
      result.moved.push(`${TOPIC}-${p}: ${seq} at ${r.offset} after ${seqOf(prev)} at ${prev.offset}`);
    }
    const a = ackedAt.get(seq);
    if (a && (a.offset !== r.offset || a.key !== r.key?.toString() || a.tombstone !== (r.value === null))) {
      result.moved.push(`${TOPIC}-${p}: ${seq} acknowledged at ${a.offset} (key ${a.key}), found at ${r.offset} (key ${r.key})`);
    }
  });
}

/** For each key, the log's latest record is the latest acknowledged one or a later one (tombstones included). */
function checkLatest(records: StoredRecord[], p: number, acks: Ack[], result: CompactionCrashLoopResult): void {
  const inLog = new Map<string, StoredRecord>();
  for (const r of records) inLog.set(r.key!.toString(), r);
  const acked = new Map<string, Ack>();
  for (const a of acks) if (a.partition === p && (acked.get(a.key)?.offset ?? -1) < a.offset) acked.set(a.key, a);
  for (const [key, a] of acked) {
    const r = inLog.get(key);
    const ok = r !== undefined && (r.offset > a.offset ? seqAfter(seqOf(r), a.seq) : r.offset === a.offset && seqOf(r) === a.seq);
    if (!ok) {
      result.lostLatest.push(`${TOPIC}-${p} key ${key}: acknowledged ${a.tombstone ? 'tombstone' : 'value'} ${a.seq} at ${a.offset}, ` +
        `log has ${r ? `${seqOf(r)} at ${r.offset}` : 'nothing'}`);
    }
  }
}

/**
 * A read at an offset of the log (gaps included) starts with the first record at or after that offset: every
 * offset of a short log, else `SAMPLED_READS` random ones (a read each is slow next to the run).
 */
async function checkGapReads(store: LogStore, records: StoredRecord[], p: number, result: CompactionCrashLoopResult): Promise<void> {
  const start = store.logStartOffset(TOPIC, p);
  const end = store.logEndOffset(TOPIC, p);
  const present = new Set(records.map((r) => r.offset));
  for (let offset = start; offset < end; offset++) if (!present.has(offset)) result.gaps++;
  const offsets = end - start <= SAMPLED_READS
    ? Array.from({ length: end - start }, (_, i) => start + i)
    : Array.from({ length: SAMPLED_READS }, () => start + Math.floor(Math.random() * (end - start))).sort((a, b) => a - b);
  let next = 0;
  for (const offset of offsets) {
    while (next < records.length && records[next].offset < offset) next++;
    if (next === records.length) break; // the log's tail was compacted away: nothing left to read there
    const res = await store.read(TOPIC, p, { offset, maxBytes: 1 });
    const got = res.records[0]?.offset;
    if (got !== records[next].offset) result.badReads.push(`${TOPIC}-${p}: read at ${offset} began at ${got}, expected ${records[next].offset}`);
  }
}

export function compactionCrashLoopSummary(r: CompactionCrashLoopResult): string {
  return `compaction crash loop: kills ${r.kills}, acknowledged ${r.acknowledged} (tombstones ${r.tombstonesAcknowledged}), ` +
    `passes ${r.passes} (${r.passesThatCleaned} cleaned), records left ${r.records}, gaps ${r.gaps}, ` +
    `latest values lost ${r.lostLatest.length}, moved ${r.moved.length}, bad reads ${r.badReads.length}`;
}

/** What the run shows to be broken (empty when every promise held). */
export function compactionCrashLoopProblems(r: CompactionCrashLoopResult): string[] {
  return [...r.childErrors, ...r.leftovers.map((f) => `left after reopening: ${f}`), ...r.lostLatest, ...r.moved, ...r.badReads];
}
