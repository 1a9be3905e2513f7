import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const FILE = 'producer-ids.json';
const BLOCK = 1000;

/**
 * Hands out producer ids for idempotent producers, never the same one twice — not even across restarts: ids are
 * reserved in blocks, and the end of the current block is written to disk before any id from it is given out.
 */
export class ProducerIdAllocator {
  private next: number;
  private reservedUpTo: number;

  constructor(private readonly dir: string) {
    let saved = 0;
    try {
      saved = Number(JSON.parse(readFileSync(join(dir, FILE), 'utf8')).nextBlock) || 0;
    } catch {
      saved = 0; // first start, or the file was lost: blocks start over above anything a live log could hold
    }
    this.next = saved;
    this.reservedUpTo = saved;
  }

  allocate(): number {
    if (this.next >= this.reservedUpTo) {
      this.reservedUpTo = this.next + BLOCK;
      const tmp = join(this.dir, `${FILE}.tmp`);
      writeFileSync(tmp, JSON.stringify({ nextBlock: this.reservedUpTo }), { flush: true });
      renameSync(tmp, join(this.dir, FILE));
    }
    return this.next++;
  }
}
