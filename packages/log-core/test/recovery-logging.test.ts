// What opening after a crash tells the operator: one summary line when nothing was lost, a warning only for
// each partition that lost bytes.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { crashCopy, openStore, readAll, recordingLogger, removeTempDirs, segmentFiles, tempDir, type LogLine } from './store-fixture.js';

afterAll(removeTempDirs);

const PARTITIONS = 20;

/** A copy of a 20-partition store taken while it was open (as a kill -9 leaves it): indexes not yet written. */
async function killedStore(): Promise<string> {
  const dir = tempDir('klog-recovery-log-');
  const store = await openStore(dir);
  await store.createTopic('t', { partitions: PARTITIONS });
  for (let p = 0; p < PARTITIONS; p++) {
    await store.append('t', [{ value: Buffer.from(`a${p}`) }, { value: Buffer.from(`b${p}`) }], { partition: p });
  }
  const copy = crashCopy(dir);
  await store.close();
  return copy;
}

/** Lines about recovery (the lock takeover a crash also leaves is reported on its own). */
function recoveryLines(logger: { lines: LogLine[] }): LogLine[] {
  return logger.lines.filter((l) => /recovery/.test(l.msg));
}

describe('opening after a kill -9', () => {
  it('with nothing lost, logs one info line saying how many indexes were rebuilt, and no warning', async () => {
    const dir = await killedStore();
    const logger = recordingLogger();
    const store = await openStore(dir, { logger });
    try {
      const lines = recoveryLines(logger);
      expect(lines).toHaveLength(1);
      expect(lines[0].level).toBe('info');
      expect(lines[0].obj).toMatchObject({ recoveredPartitions: PARTITIONS, rebuiltIndexes: PARTITIONS, truncatedBytes: 0 });
      expect(lines[0].msg).toMatch(/rebuilt 20 indexes; no data was lost/);
      expect(logger.lines.filter((l) => l.level === 'warn' && !/lock file/.test(l.msg))).toEqual([]);
      expect((await readAll(store, 't', 7)).map((r) => r.value?.toString())).toEqual(['a7', 'b7']);
    } finally {
      await store.close();
    }
  });

  it('warns once for each partition that lost bytes, with the counts, besides the summary', async () => {
    const dir = await killedStore();
    const torn = segmentFiles(join(dir, 't-3'))[0].path;
    appendFileSync(torn, Buffer.alloc(37, 0xab)); // a torn write at the end of partition 3
    const logger = recordingLogger();
    const store = await openStore(dir, { logger });
    try {
      const warnings = recoveryLines(logger).filter((l) => l.level === 'warn');
      expect(warnings).toHaveLength(1);
      expect(warnings[0].obj).toMatchObject({ topic: 't', partition: 3, truncatedBytes: 37 });
      expect(warnings[0].msg).toMatch(/cut 37 bytes/);
      const summary = recoveryLines(logger).filter((l) => l.level === 'info');
      expect(summary).toHaveLength(1);
      expect(summary[0].obj).toMatchObject({ recoveredPartitions: PARTITIONS, truncatedBytes: 37 });
      expect((await readAll(store, 't', 3)).map((r) => r.value?.toString())).toEqual(['a3', 'b3']);
    } finally {
      await store.close();
    }
  });
});
