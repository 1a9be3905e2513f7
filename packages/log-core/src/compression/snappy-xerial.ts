/**
 * Kafka's snappy codec. The Java client (through snappy-java) writes the "xerial" framing: an 8-byte magic,
 * two big-endian int32 version fields, then chunks of int32 length + a raw snappy block. librdkafka (kcat)
 * sends one raw snappy block, and reads either. klog reads both, and writes the xerial framing as the Java
 * client does, which every Kafka client reads.
 */
import { compressSync, uncompressSync } from 'snappy';
import { InflateLimitExceeded } from './inflate-limit.js';

/**
 * 0x82 "SNAPPY" 0x00. A raw block could in theory open with these bytes; Kafka's clients tell the two apart by
 * this same check, so a batch one of them can read, klog can read.
 */
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER_SIZE = 16;
/** The version pair snappy-java writes (and librdkafka ignores). */
const XERIAL_VERSION = 1;
const XERIAL_COMPATIBLE_VERSION = 1;
/** snappy-java's default block size: each chunk is compressed on its own. */
const XERIAL_CHUNK_SIZE = 32 * 1024;

export function isXerialFramed(data: Buffer): boolean {
  return data.length >= XERIAL_HEADER_SIZE && data.subarray(0, XERIAL_MAGIC.length).equals(XERIAL_MAGIC);
}

export function compressSnappy(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  const header = Buffer.alloc(XERIAL_HEADER_SIZE);
  XERIAL_MAGIC.copy(header, 0);
  header.writeInt32BE(XERIAL_VERSION, 8);
  header.writeInt32BE(XERIAL_COMPATIBLE_VERSION, 12);
  parts.push(header);
  for (let pos = 0; pos < data.length; pos += XERIAL_CHUNK_SIZE) {
    const block = compressSync(data.subarray(pos, pos + XERIAL_CHUNK_SIZE));
    const length = Buffer.allocUnsafe(4);
    length.writeInt32BE(block.length, 0);
    parts.push(length, block);
  }
  return Buffer.concat(parts);
}

/**
 * Inflates xerial-framed or raw snappy, refusing past `maxBytes` before inflating (each raw block states its
 * size first); throws a plain Error on damage (the caller types it).
 */
export function decompressSnappy(data: Buffer, maxBytes: number): Buffer {
  if (!isXerialFramed(data)) return uncompressBlock(data, maxBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  let pos = XERIAL_HEADER_SIZE;
  while (pos < data.length) {
    if (data.length - pos < 4) throw new Error(`xerial snappy chunk length cut off at byte ${pos}`);
    const length = data.readInt32BE(pos);
    pos += 4;
    if (length < 0 || length > data.length - pos) {
      throw new Error(`xerial snappy chunk of ${length} bytes at byte ${pos - 4} overruns the ${data.length}-byte stream`);
    }
    const chunk = uncompressBlock(data.subarray(pos, pos + length), maxBytes - size);
    size += chunk.length;
    chunks.push(chunk);
    pos += length;
  }
  return Buffer.concat(chunks, size);
}

function uncompressBlock(block: Buffer, maxBytes: number): Buffer {
  if (blockLength(block) > maxBytes) throw new InflateLimitExceeded(maxBytes);
  return uncompressSync(block, { asBuffer: true }) as Buffer;
}

/** The uncompressed length a raw snappy block opens with (a little-endian base-128 varint), or -1 if unreadable. */
function blockLength(block: Buffer): number {
  let value = 0;
  for (let i = 0; i < 5 && i < block.length; i++) {
    value += (block[i] & 0x7f) * 2 ** (7 * i);
    if ((block[i] & 0x80) === 0) return value;
  }
  return -1;
}
