// The kinds of damage a disk, a crash or a careless hand can do to a file, applied in place.
import { closeSync, openSync, readSync, statSync, truncateSync, writeSync } from 'node:fs';

/** A deterministic random source, so a failing case can be replayed from its seed. */
export function seeded(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 0x100000000;
  };
}

export function truncateBy(path: string, bytes: number): void {
  truncateSync(path, Math.max(0, statSync(path).size - bytes));
}

export function zeroFill(path: string, position: number, length: number): void {
  const fd = openSync(path, 'r+');
  try {
    writeSync(fd, Buffer.alloc(length), 0, length, position);
  } finally {
    closeSync(fd);
  }
}

/** XORs `count` bytes at random positions in [from, to) with a random non-zero mask. Returns the positions. */
export function flipBytes(path: string, from: number, to: number, count: number, random: () => number): number[] {
  const fd = openSync(path, 'r+');
  const positions: number[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const pos = from + Math.floor(random() * (to - from));
      const b = Buffer.alloc(1);
      readSync(fd, b, 0, 1, pos);
      b[0] ^= 1 + Math.floor(random() * 255);
      writeSync(fd, b, 0, 1, pos);
      positions.push(pos);
    }
  } finally {
    closeSync(fd);
  }
  return positions;
}
