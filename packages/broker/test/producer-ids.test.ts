// Producer ids are never handed out twice, across restarts too: blocks are reserved on disk before use.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ProducerIdAllocator } from '../src/server/producer-ids.js';

const dirs: string[] = [];
const freshDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'klog-pids-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('ProducerIdAllocator', () => {
  it('hands out consecutive ids, reserving the block on disk first', () => {
    const dir = freshDir();
    const ids = new ProducerIdAllocator(dir);
    expect([ids.allocate(), ids.allocate(), ids.allocate()]).toEqual([0, 1, 2]);
    expect(JSON.parse(readFileSync(join(dir, 'producer-ids.json'), 'utf8'))).toEqual({ nextBlock: 1000 });
  });

  it('continues above every id of the reserved block after a restart, and reserves again past a block', () => {
    const dir = freshDir();
    const first = new ProducerIdAllocator(dir);
    const before = Array.from({ length: 1001 }, () => first.allocate());
    expect(before.at(-1)).toBe(1000);
    const after = new ProducerIdAllocator(dir).allocate();
    expect(after).toBe(2000);
    expect(new Set([...before, after]).size).toBe(1002);
  });

  it('refuses a file it cannot read instead of starting again at 0', () => {
    const dir = freshDir();
    writeFileSync(join(dir, 'producer-ids.json'), '{"nextBlock": "lots"}');
    expect(() => new ProducerIdAllocator(dir)).toThrow(expect.objectContaining({ code: 'CORRUPT_DATA' }));
  });
});
