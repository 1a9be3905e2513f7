/**
 * Compression of a batch's records section, and the codec ids that name it in the batch attributes
 * (bits 0-2, numbered as in Kafka: 0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd). klog reads and writes all five;
 * a batch is stored with the codec it was sent with, and inflated only where its records are read.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { compressFrameSync, decompressFrameSync } from 'lz4-napi';
import { KlogError } from '../errors.js';
import type { Compression } from '../types.js';
import { InflateLimitExceeded, MAX_INFLATED_BYTES } from './inflate-limit.js';
import { compressSnappy, decompressSnappy } from './snappy-xerial.js';
import { compressZstd, decompressZstd } from './zstd.js';

/** The attribute bits that hold the codec id. */
const COMPRESSION_CODEC_MASK = 0x07;

const CODEC_ID: Record<Compression, number> = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 };
const CODEC_BY_ID: readonly Compression[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

/** Every codec, in codec-id order: for option parsers and help texts. */
export const COMPRESSIONS: readonly Compression[] = CODEC_BY_ID;

const KNOWN = `use ${CODEC_BY_ID.slice(0, -1).join(', ')} or ${CODEC_BY_ID[CODEC_BY_ID.length - 1]}`;

interface Codec {
  compress(data: Buffer): Buffer;
  /** Throws InflateLimitExceeded rather than produce more than `maxBytes`. */
  decompress(data: Buffer, maxBytes: number): Buffer;
}

const CODECS: Record<Exclude<Compression, 'none'>, Codec> = {
  gzip: { compress: (d) => gzipSync(d), decompress: gunzipBounded },
  snappy: { compress: compressSnappy, decompress: decompressSnappy },
  // Kafka's lz4 is the LZ4 frame format (not raw blocks). lz4-napi takes no output bound, but LZ4 cannot
  // inflate past 255 times its input, so the check after the fact costs at most that much memory, once.
  lz4: { compress: (d) => compressFrameSync(d), decompress: (d, max) => atMost(decompressFrameSync(d), max) },
  zstd: { compress: compressZstd, decompress: decompressZstd },
};

function gunzipBounded(data: Buffer, maxBytes: number): Buffer {
  try {
    return gunzipSync(data, { maxOutputLength: maxBytes });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new InflateLimitExceeded(maxBytes);
    throw err;
  }
}

function atMost(out: Buffer, maxBytes: number): Buffer {
  if (out.length > maxBytes) throw new InflateLimitExceeded(maxBytes);
  return out;
}

/** The codec id written into the batch attributes for `compression`. */
export function compressionCodecId(compression: Compression): number {
  return isCompression(compression) ? CODEC_ID[compression] : unknown(compression as never);
}

/** The compression named by a batch's attributes; ids 5-7, which Kafka has not assigned, are refused. */
export function compressionFromAttributes(attributes: number): Compression {
  const id = attributes & COMPRESSION_CODEC_MASK;
  const compression = CODEC_BY_ID[id];
  if (compression === undefined) {
    throw new KlogError('UNSUPPORTED_COMPRESSION', `batch names unknown compression codec id ${id}; ${KNOWN}`);
  }
  return compression;
}

/** True for a name klog can compress with: option values arrive untyped from the command line or JavaScript. */
export function isCompression(name: unknown): name is Compression {
  return typeof name === 'string' && Object.hasOwn(CODEC_ID, name);
}

export function compress(data: Buffer, compression: Compression): Buffer {
  if (compression === 'none') return data;
  return codecOf(compression).compress(data);
}

/**
 * Inflates a records section; a stream the codec rejects is reported as a corrupt batch, one that inflates past
 * `maxBytes` as a record too large.
 */
export function decompress(data: Buffer, compression: Compression, maxBytes = MAX_INFLATED_BYTES): Buffer {
  if (compression === 'none') return data;
  const codec = codecOf(compression);
  try {
    return codec.decompress(data, maxBytes);
  } catch (err) {
    if (err instanceof InflateLimitExceeded) {
      throw new KlogError('RECORD_TOO_LARGE', `${compression} records inflate past the ${err.limit}-byte limit of one batch`);
    }
    throw new KlogError('CORRUPT_BATCH', `cannot decompress ${compression} records: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

function codecOf(compression: Compression): Codec {
  if (compression === 'none' || !isCompression(compression)) return unknown(compression as never);
  return CODECS[compression];
}

/** Callers are typed, but options can arrive from JavaScript or over the wire. */
function unknown(compression: never): never {
  throw new KlogError('UNSUPPORTED_COMPRESSION', `unknown compression '${String(compression)}': ${KNOWN}`);
}
