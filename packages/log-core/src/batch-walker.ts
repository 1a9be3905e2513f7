/**
 * Positional reads, as FileHandle offers them — or answered at once, for the active segment whose recent bytes
 * are in the page cache (see Segment.withReadHandle).
 */
export interface PositionalReader {
  read(buf: Buffer, offset: number, length: number, position: number): Promise<{ bytesRead: number }> | { bytesRead: number };
}
import { batchSizeAt, BATCH_HEADER_SIZE } from './batch/record-batch.js';

/** Bytes read ahead when walking a segment for batches. */
const READ_CHUNK = 256 * 1024;

export type WalkStep =
  | { kind: 'batch'; buf: Buffer; position: number }
  | { kind: 'damage'; position: number; reason: string };

/**
 * Walks the batches of a segment file from `position` up to `end`, reading ahead in chunks and reading a batch
 * larger than a chunk whole. Yields each complete batch's bytes, or, where the bytes cannot be a batch (torn
 * length prefix, a length that runs past `end`), one 'damage' step and stops. Content (CRC, magic) is the
 * caller's to check: recovery and reads judge it differently.
 */
export async function* walkBatches(
  fh: PositionalReader,
  position: number,
  end: number,
  chunkBytes = READ_CHUNK,
): AsyncGenerator<WalkStep> {
  let pos = position;
  while (pos < end) {
    let chunk = await readAt(fh, pos, Math.min(end - pos, chunkBytes));
    let p = 0;
    for (;;) {
      const size = batchSizeAt(chunk, p);
      if (size === -1) {
        if (p > 0) break; // header straddles the chunk boundary: next chunk
        yield { kind: 'damage', position: pos, reason: `torn batch: ${end - pos} bytes left at end of segment` };
        return;
      }
      if (size < BATCH_HEADER_SIZE || pos + p + size > end) {
        yield { kind: 'damage', position: pos + p, reason: `batch length ${size} does not fit the segment` };
        return;
      }
      if (p + size > chunk.length) {
        if (p > 0) break;
        chunk = await readAt(fh, pos, size); // one batch larger than the chunk
      }
      yield { kind: 'batch', buf: chunk.subarray(p, p + size), position: pos + p };
      p += size;
      if (p >= chunk.length) break;
    }
    pos += p;
  }
}

export async function readAt(fh: PositionalReader, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(length);
  let got = 0;
  while (got < length) {
    const { bytesRead } = await fh.read(buf, got, length - got, position + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return got === length ? buf : buf.subarray(0, got);
}
