import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeBatch, iterateBatches, validateBatch } from '@klog/log-core';

export interface PartitionAudit {
  partition: number;
  /** Record values in log order. */
  values: string[];
  batches: number;
  segments: number;
}

export class AuditError extends Error {}

/**
 * Reads a topic's segment files straight from a stopped broker's data directory and checks what the log
 * promises on disk: every batch's CRC and structure is valid (validateBatch), batches tile each file with no
 * stray bytes, and offsets are dense — each batch starts where the previous ended, across segment files too,
 * and each segment's file name is its first offset.
 */
export function auditTopic(dataDir: string, topic: string, partitions: number): PartitionAudit[] {
  const out: PartitionAudit[] = [];
  for (let p = 0; p < partitions; p++) {
    const dir = join(dataDir, `${topic}-${p}`);
    if (!existsSync(dir)) throw new AuditError(`no directory for ${topic}-${p}`);
    const logs = readdirSync(dir).filter((n) => /^\d{20}\.log$/.test(n)).sort();
    const values: string[] = [];
    let expected = -1;
    let batches = 0;
    for (const name of logs) {
      const buf = readFileSync(join(dir, name));
      const base = Number(name.slice(0, 20));
      if (expected >= 0 && buf.length > 0 && base !== expected) throw new AuditError(`${topic}-${p}/${name}: segment starts at ${base}, previous ended at ${expected}`);
      if (expected < 0) expected = base;
      let end = 0;
      for (const { pos, header } of iterateBatches(buf)) {
        validateBatch(buf, pos); // throws CORRUPT_BATCH on a bad CRC or structure
        if (header.baseOffset !== expected) throw new AuditError(`${topic}-${p}/${name} byte ${pos}: batch at offset ${header.baseOffset}, expected ${expected}`);
        const { records } = decodeBatch(buf, pos);
        records.forEach((r, i) => {
          if (r.offset !== expected + i) throw new AuditError(`${topic}-${p}: record offset ${r.offset}, expected ${expected + i}`);
          values.push(r.value!.toString());
        });
        expected = header.baseOffset + header.lastOffsetDelta + 1;
        end = pos + header.sizeInBytes;
        batches++;
      }
      if (end !== buf.length) throw new AuditError(`${topic}-${p}/${name}: ${buf.length - end} stray bytes after the last batch`);
    }
    out.push({ partition: p, values, batches, segments: logs.length });
  }
  return out;
}
