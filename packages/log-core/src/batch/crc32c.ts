/**
 * CRC32C (Castagnoli), the checksum of Kafka's RecordBatch v2.
 *
 * The native implementation (@node-rs/crc32, hardware-accelerated where the CPU allows) is used when it loads;
 * a table-driven JS implementation takes over when it does not (unsupported platform, missing prebuilt binary),
 * so klog stays usable everywhere, only slower.
 */
import { createRequire } from 'node:module';

/** The reflected Castagnoli polynomial. */
const POLY = 0x82f63b78;

const TABLE = buildTable();

function buildTable(): Uint32Array {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

/** Pure-JS CRC32C; exported so tests can check the native one against it. */
export function crc32cJs(buf: Uint8Array): number {
  let crc = 0xffffffff;
  for (let i = 0; i < buf.length; i++) crc = TABLE[(crc ^ buf[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

type Crc32cFn = (buf: Uint8Array) => number;

function loadNative(): Crc32cFn | null {
  try {
    // require() rather than a static import: a failed native load must fall back, not break module loading.
    const native = createRequire(import.meta.url)('@node-rs/crc32') as { crc32c: (input: Uint8Array) => number };
    return (buf) => native.crc32c(buf) >>> 0;
  } catch {
    return null;
  }
}

const native = loadNative();

/** True when the native implementation is in use (tests assert it, so the native-vs-JS comparison is real). */
export const nativeCrc32cLoaded: boolean = native !== null;

const impl: Crc32cFn = native ?? crc32cJs;

/** CRC32C of `buf` as an unsigned 32-bit number. */
export function crc32c(buf: Buffer | Uint8Array): number {
  return impl(buf);
}
