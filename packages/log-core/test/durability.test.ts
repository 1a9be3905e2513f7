// The acknowledgement promise of each fsync policy (src/fsync-policy.ts), against a real process kill.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FsyncPolicy } from '../src/fsync-policy.js';
import { DIST_URL, ensureBuilt } from './compiled-package.js';
import { writeUntilKilled } from './kill-writer.js';
import { openStore, readAll, removeTempDirs, tempDir } from './store-fixture.js';

const ACKS_BEFORE_KILL = 300;

// The child runs the compiled package.
beforeAll(ensureBuilt, 120_000);

afterAll(removeTempDirs);

/** Appends one record at a time forever, printing each acknowledged offset. */
const WRITER = `
import { LogStore } from ${JSON.stringify(DIST_URL)};
const [dir, fsync] = process.argv.slice(2);
const store = await LogStore.open(dir, { fsync: JSON.parse(fsync) });
await store.createTopic('t', { segmentBytes: 16 * 1024, maxBatchBytes: 16 * 1024 });
for (let i = 0; ; i++) {
  const [ack] = await store.append('t', [{ value: Buffer.from('record-' + i) }]);
  process.stdout.write(ack.offset + '\\n');
}
`;

/** Runs the writer until it has acknowledged `acks` records, kills it with SIGKILL, returns the offsets it acked. */
async function writeThenKill(dir: string, fsync: FsyncPolicy, acks: number): Promise<number[]> {
  return (await writeUntilKilled(WRITER, [dir, JSON.stringify(fsync)], acks)).map(Number);
}

describe('acknowledged appends survive a process kill', () => {
  it.each<[string, FsyncPolicy]>([
    ['always', 'always'],
    ['interval', { intervalMs: 100 }],
    ['never', 'never'],
  ])('under fsync %s: every acked record is there exactly once, and the log is dense', async (_name, fsync) => {
    const dir = tempDir('klog-durable-');
    const acked = await writeThenKill(dir, fsync, ACKS_BEFORE_KILL);
    expect(acked.length).toBeGreaterThanOrEqual(ACKS_BEFORE_KILL);
    expect(acked).toEqual(acked.map((_, i) => i)); // acks come in order, densely

    const store = await openStore(dir); // the lock names the killed writer: taken over
    try {
      const records = await readAll(store, 't');
      expect(records.map((r) => r.offset)).toEqual(records.map((_, i) => i)); // dense from 0
      expect(records.length).toBeGreaterThanOrEqual(acked.length); // nothing acknowledged was lost
      // Each record once, where it was acknowledged (the writer's i-th record went to offset i).
      expect(records.map((r) => r.value?.toString())).toEqual(records.map((_, i) => `record-${i}`));
      expect(store.describeTopic('t').partitions[0].segments).toBeGreaterThan(1);
    } finally {
      await store.close();
    }
  });
});
