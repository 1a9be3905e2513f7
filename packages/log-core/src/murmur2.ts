/**
 * 32-bit MurmurHash2 exactly as the Kafka Java client computes it for keyed partitioning (seed 0x9747b28c,
 * little-endian 4-byte blocks, signed result), so a key lands on the same partition in klog as in Kafka.
 */
const SEED = 0x9747b28c;
const M = 0x5bd1e995;
const R = 24;

/** Kafka's murmur2 of `data` as a signed 32-bit integer. */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  let h = SEED ^ length;
  const blocksEnd = length & ~3;
  for (let i = 0; i < blocksEnd; i += 4) {
    let k = data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24);
    k = Math.imul(k, M);
    k ^= k >>> R;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  const tail = length & 3;
  if (tail > 0) {
    if (tail === 3) h ^= data[blocksEnd + 2] << 16;
    if (tail >= 2) h ^= data[blocksEnd + 1] << 8;
    h ^= data[blocksEnd];
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** Kafka's Utils.toPositive: clears the sign bit (not Math.abs, which maps -2^31 to itself). */
export function toPositive(h: number): number {
  return h & 0x7fffffff;
}
