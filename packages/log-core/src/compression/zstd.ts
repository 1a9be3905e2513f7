/**
 * Kafka's zstd codec: one or more zstd frames. Node 20's zlib has no zstd (it arrived in 22.15), and the
 * native bindings on npm fetch or compile their binary at install, which fails offline; so klog compresses
 * with the reference library built to WebAssembly (@bokuweb/zstd-wasm, the .wasm ships in the npm package)
 * and decompresses with fzstd (pure JavaScript). fzstd reads because it grows its output for frames that do
 * not state their content size, which streaming compressors write (they do not know the size in advance);
 * the wasm build's one-shot decompress would assume at most 1 MiB there.
 */
import { compress, init } from '@bokuweb/zstd-wasm';
import { Decompress } from 'fzstd';
import { InflateLimitExceeded } from './inflate-limit.js';

/** zstd's own default level, as Kafka's producers use. */
const ZSTD_LEVEL = 3;

// encodeBatch is synchronous, so the WebAssembly module is ready before any caller can encode.
await init();

export function compressZstd(data: Buffer): Buffer {
  const out = compress(data, ZSTD_LEVEL);
  return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
}

/** Inflates every frame in `data`, stopping past `maxBytes`; throws a plain Error on damage (the caller types it). */
export function decompressZstd(data: Buffer, maxBytes: number): Buffer {
  // The streaming decoder hands over the output as it goes, so an oversized stream is stopped early.
  const chunks: Uint8Array[] = [];
  let size = 0;
  const stream = new Decompress((chunk) => {
    size += chunk.length;
    if (size > maxBytes) throw new InflateLimitExceeded(maxBytes);
    chunks.push(chunk);
  });
  stream.push(data, true);
  return Buffer.concat(chunks, size);
}
