import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KlogError } from '@klog/log-core';
import type { ProducerIdSource } from '../services/producer-ids.js';

const FILE = 'producer-ids.json';
const BLOCK = 1000;

/**
 * Hands out producer ids for idempotent producers (native initProducerId and Kafka's InitProducerId alike),
 * never the same one twice — not even across restarts: ids are reserved in blocks, and the end of the current
 * block is on disk (file and directory entry synced) before any id from it is given out. A restart continues
 * from the saved end, skipping what was left of the block.
 */
export class ProducerIdAllocator implements ProducerIdSource {
  private next: number;
  private reservedUpTo: number;

  constructor(private readonly dir: string) {
    const saved = readSaved(join(dir, FILE));
    this.next = saved;
    this.reservedUpTo = saved;
  }

  allocate(): number {
    if (this.next >= this.reservedUpTo) {
      this.reservedUpTo = this.next + BLOCK;
      const tmp = join(this.dir, `${FILE}.tmp`);
      writeFileSync(tmp, JSON.stringify({ nextBlock: this.reservedUpTo }), { flush: true });
      renameSync(tmp, join(this.dir, FILE));
      syncDir(this.dir); // else a crash could bring back the previous file, and ids given since would repeat
    }
    return this.next++;
  }
}

/**
 * Where the next block starts: 0 on a first start (no file). A file that cannot be read is refused rather than
 * taken as 0, which would hand out ids that idempotent producers may still hold state for in the log.
 */
function readSaved(file: string): number {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
  let saved: unknown;
  try {
    saved = (JSON.parse(text) as { nextBlock?: unknown }).nextBlock;
  } catch {
    saved = undefined;
  }
  if (typeof saved !== 'number' || !Number.isSafeInteger(saved) || saved < 0) {
    throw new KlogError('CORRUPT_DATA', `${file} does not hold the next producer id block ({"nextBlock": <integer>}); fix or restore it`);
  }
  return saved;
}

function syncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
