import { KlogError } from '@klog/log-core';

export interface LineReaderOptions {
  /** What ends a record (kcat -D); default a newline. */
  delimiter?: Buffer;
  /** Longest record accepted: reading fails as soon as a record grows past it, without waiting for its end. */
  maxLineBytes?: number;
  /** Keep empty records (default: skipped, as an empty line is almost always a stray newline). */
  keepEmpty?: boolean;
}

function tooLarge(bytes: number, limit: number, line: number, complete: boolean): KlogError {
  return new KlogError('RECORD_TOO_LARGE',
    `record too large (${bytes}${complete ? '' : '+'} bytes, limit ${limit}): record ${line} of the input`);
}

/** Removes the last `n` bytes from `pieces` and returns them (touching only the pieces they are in). */
function takeTail(pieces: Buffer[], n: number): Buffer {
  const tail: Buffer[] = [];
  let need = n;
  while (need > 0) {
    const last = pieces.pop()!;
    if (last.length <= need) {
      tail.unshift(last);
      need -= last.length;
    } else {
      tail.unshift(last.subarray(last.length - need));
      pieces.push(last.subarray(0, last.length - need));
      need = 0;
    }
  }
  return Buffer.concat(tail);
}

/**
 * Splits a byte stream into records at a delimiter (without it), yielding the complete records of each chunk read
 * as one array, so a caller can send them as one batch. Records are Buffers: input bytes reach the log unchanged.
 * A record spanning chunks is kept as a list of pieces and joined once, when its end arrives, so reading is linear
 * in the input however long the record. A final record without a delimiter counts.
 */
export async function* readLineChunks(input: AsyncIterable<Buffer | string>, opts: LineReaderOptions = {}): AsyncGenerator<Buffer[]> {
  const delimiter = opts.delimiter ?? Buffer.from('\n');
  if (delimiter.length === 0) throw new KlogError('INVALID_CONFIG', 'the delimiter must not be empty');
  const limit = opts.maxLineBytes ?? Infinity;
  let pieces: Buffer[] = [];
  let pendingBytes = 0;
  let lineNo = 0;
  const take = (last: Buffer, out: Buffer[]): void => {
    const line = pendingBytes > 0 ? Buffer.concat([...pieces, last]) : last;
    pieces = [];
    pendingBytes = 0;
    lineNo++;
    if (line.length > limit) throw tooLarge(line.length, limit, lineNo, true);
    if (line.length > 0 || opts.keepEmpty) out.push(line);
  };
  for await (const data of input) {
    let chunk = typeof data === 'string' ? Buffer.from(data) : data;
    // A delimiter of several bytes may straddle two chunks: search again from the pending bytes it could start in.
    const carry = Math.min(delimiter.length - 1, pendingBytes);
    if (carry > 0) {
      chunk = Buffer.concat([takeTail(pieces, carry), chunk]);
      pendingBytes -= carry;
    }
    const lines: Buffer[] = [];
    let start = 0;
    for (let at = chunk.indexOf(delimiter); at >= 0; at = chunk.indexOf(delimiter, start)) {
      take(chunk.subarray(start, at), lines);
      start = at + delimiter.length;
    }
    if (start < chunk.length) {
      pieces.push(chunk.subarray(start));
      pendingBytes += chunk.length - start;
      if (pendingBytes > limit) throw tooLarge(pendingBytes, limit, lineNo + 1, false);
    }
    if (lines.length > 0) yield lines;
  }
  const last: Buffer[] = [];
  if (pendingBytes > 0) take(Buffer.alloc(0), last);
  if (last.length > 0) yield last;
}

/** Splits a line at the first occurrence of `separator` into key and value; no separator: no key, all value. */
export function splitKeyValue(line: Buffer, separator: Buffer): { key: Buffer | null; value: Buffer } {
  const at = line.indexOf(separator);
  if (at < 0) return { key: null, value: line };
  return { key: line.subarray(0, at), value: line.subarray(at + separator.length) };
}
