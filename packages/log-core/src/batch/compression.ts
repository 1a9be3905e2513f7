/**
 * Compression of a batch's records section, and the codec ids that name it in the batch attributes
 * (bits 0-2, numbered as in Kafka: 0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd).
 *
 * klog writes none, gzip and lz4. snappy and zstd batches (which a Kafka client could send) are refused
 * with UNSUPPORTED_COMPRESSION rather than stored, since klog could not serve their records.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { compressFrameSync, decompressFrameSync } from 'lz4-napi';
import { KlogError } from '../errors.js';
import type { Compression } from '../types.js';

/** The attribute bits that hold the codec id. */
const COMPRESSION_CODEC_MASK = 0x07;

const CODEC_ID: Record<Compression, number> = { none: 0, gzip: 1, lz4: 3 };
const UNSUPPORTED_CODEC_NAME: Record<number, string> = { 2: 'snappy', 4: 'zstd' };

/** The codec id written into the batch attributes for `compression`. */
export function compressionCodecId(compression: Compression): number {
  return CODEC_ID[compression] ?? unknown(compression as never);
}

/** The compression named by a batch's attributes; snappy, zstd and unassigned ids are refused. */
export function compressionFromAttributes(attributes: number): Compression {
  const id = attributes & COMPRESSION_CODEC_MASK;
  switch (id) {
    case 0:
      return 'none';
    case 1:
      return 'gzip';
    case 3:
      return 'lz4';
    default: {
      const name = UNSUPPORTED_CODEC_NAME[id];
      throw new KlogError(
        'UNSUPPORTED_COMPRESSION',
        name === undefined
          ? `batch names unknown compression codec id ${id}`
          : `batch is ${name}-compressed; klog supports only none, gzip and lz4`,
      );
    }
  }
}

export function compress(data: Buffer, compression: Compression): Buffer {
  switch (compression) {
    case 'none':
      return data;
    case 'gzip':
      return gzipSync(data);
    case 'lz4':
      // LZ4 frame format, as Kafka's lz4 codec uses.
      return compressFrameSync(data);
    default:
      return unknown(compression);
  }
}

/** Inflates a records section; a stream the codec rejects is reported as a corrupt batch. */
export function decompress(data: Buffer, compression: Compression): Buffer {
  try {
    switch (compression) {
      case 'none':
        return data;
      case 'gzip':
        return gunzipSync(data);
      case 'lz4':
        return decompressFrameSync(data);
      default:
        return unknown(compression);
    }
  } catch (err) {
    if (err instanceof KlogError) throw err;
    throw new KlogError('CORRUPT_BATCH', `cannot decompress ${compression} records: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

/** Callers are typed, but options can arrive from JavaScript or over the wire. */
function unknown(compression: never): never {
  throw new KlogError('UNSUPPORTED_COMPRESSION', `unknown compression '${String(compression)}': use none, gzip or lz4`);
}
