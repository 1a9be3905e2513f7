import { Packr, RESERVE_START_SPACE } from 'msgpackr';
import { MsgpackWriter } from './msgpack-writer.js';

/**
 * Frames on the wire: a 4-byte big-endian length, then that many bytes of msgpack. Record batches ride inside
 * as msgpack binary fields, byte for byte.
 */
const packr = new Packr({ useRecords: false, moreTypes: false, int64AsType: 'number' });

export const FRAME_HEADER_BYTES = 4;

/**
 * The msgpack is written after 4 reserved bytes that then take its length, so a frame is never copied (a produce
 * request or fetch answer is megabytes of record batches). The Packr hands out views of its buffer but never
 * writes over one it handed out (it packs each message after the last, or into a new buffer), so the frame
 * stays intact while it waits in a socket's queue.
 */
const RESERVE_HEADER = RESERVE_START_SPACE | FRAME_HEADER_BYTES;

export function encodeFrame(message: unknown): Buffer {
  if (hasPreEncoded(message)) return encodeSpliced(message);
  const frame = packr.pack(message, RESERVE_HEADER);
  frame.writeUInt32BE(frame.length - FRAME_HEADER_BYTES, 0);
  return frame;
}

/**
 * A value at the top level of a message that writes its own msgpack straight into the frame: a Field's write
 * returns one where msgpackr's walk over a large value costs (a shareFetch answer's records, six values per
 * record). msgpack is a sequence of encodings, so the frame is the same whichever code wrote each value. Only a
 * message's top level is looked at: deeper, msgpackr would see a plain object.
 */
export class PreEncoded {
  constructor(readonly writeTo: (w: MsgpackWriter) => void) {}
}

const writer = new MsgpackWriter();

function hasPreEncoded(message: unknown): message is Record<string, unknown> {
  if (typeof message !== 'object' || message === null) return false;
  for (const key in message) if ((message as Record<string, unknown>)[key] instanceof PreEncoded) return true;
  return false;
}

/**
 * The frame of a message holding PreEncoded values: the map written here as msgpackr writes a plain object (a
 * map 16, keys in order), the PreEncoded values by themselves, every other value packed by msgpackr.
 */
function encodeSpliced(message: Record<string, unknown>): Buffer {
  writer.begin();
  writer.skip(FRAME_HEADER_BYTES);
  const keys = Object.keys(message);
  writer.mapHeader(keys.length);
  for (const key of keys) {
    writer.string(key);
    const value = message[key];
    if (value instanceof PreEncoded) value.writeTo(writer);
    else writer.raw(packr.pack(value));
  }
  const frame = writer.finish();
  frame.writeUInt32BE(frame.length - FRAME_HEADER_BYTES, 0);
  return frame;
}

export function decodeBody(body: Buffer): unknown {
  return packr.unpack(body);
}

export class FrameTooLargeError extends Error {
  constructor(readonly declared: number, readonly max: number) {
    super(`frame of ${declared} bytes exceeds the limit of ${max} bytes`);
  }
}

/**
 * Splits a byte stream into frame bodies. A declared length over `maxFrameBytes` is refused as soon as the
 * 4-byte header arrives, before any of the body is buffered, so a lying length cannot make us allocate.
 */
export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private need = -1;
  /**
   * Set once a frame header declared more than `maxFrameBytes`: the stream cannot be read past it, and what
   * follows is dropped. The frames before it were returned, so that a peer's earlier requests can still be
   * answered before the connection is closed (as a Kafka broker, reading one request at a time, would).
   */
  tooLarge: FrameTooLargeError | null = null;

  constructor(private readonly maxFrameBytes: number) {}

  get bufferedBytes(): number {
    return this.buffered;
  }

  /** Feeds bytes; returns the complete frame bodies now available (none once `tooLarge` is set). */
  push(data: Buffer): Buffer[] {
    if (this.tooLarge) return [];
    this.chunks.push(data);
    this.buffered += data.length;
    const frames: Buffer[] = [];
    for (;;) {
      if (this.need < 0) {
        if (this.buffered < FRAME_HEADER_BYTES) break;
        const declared = this.take(FRAME_HEADER_BYTES).readUInt32BE(0);
        if (declared > this.maxFrameBytes) {
          this.tooLarge = new FrameTooLargeError(declared, this.maxFrameBytes);
          this.chunks = [];
          this.buffered = 0;
          break;
        }
        this.need = declared;
      }
      if (this.buffered < this.need) break;
      frames.push(this.take(this.need));
      this.need = -1;
    }
    return frames;
  }

  private take(n: number): Buffer {
    // An empty frame may end the bytes received so far: there is no chunk to cut it from.
    if (n === 0) return Buffer.alloc(0);
    const first = this.chunks[0];
    let out: Buffer;
    if (first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
    } else {
      out = Buffer.allocUnsafe(n);
      let copied = 0;
      while (copied < n) {
        const c = this.chunks[0];
        const k = Math.min(c.length, n - copied);
        c.copy(out, copied, 0, k);
        copied += k;
        if (k === c.length) this.chunks.shift();
        else this.chunks[0] = c.subarray(k);
      }
    }
    this.buffered -= n;
    return out;
  }
}
