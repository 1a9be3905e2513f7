const NEWLINE = 0x0a;

/**
 * Splits a byte stream into lines (without the `\n`), yielding the complete lines of each chunk read as one array,
 * so a caller can send them as one batch. Lines are Buffers: input bytes reach the log unchanged. Memory holds one
 * chunk plus one partial line, whatever the size of the input. A final line without `\n` counts; an empty input
 * has no lines.
 */
export async function* readLineChunks(input: AsyncIterable<Buffer | string>): AsyncGenerator<Buffer[]> {
  let rest: Buffer = Buffer.alloc(0);
  for await (const data of input) {
    const chunk = typeof data === 'string' ? Buffer.from(data) : data;
    const lines: Buffer[] = [];
    let start = 0;
    let nl = chunk.indexOf(NEWLINE);
    if (nl >= 0 && rest.length > 0) {
      lines.push(Buffer.concat([rest, chunk.subarray(0, nl)]));
      rest = Buffer.alloc(0);
      start = nl + 1;
      nl = chunk.indexOf(NEWLINE, start);
    }
    for (; nl >= 0; nl = chunk.indexOf(NEWLINE, start)) {
      lines.push(chunk.subarray(start, nl));
      start = nl + 1;
    }
    if (start < chunk.length) rest = rest.length > 0 ? Buffer.concat([rest, chunk.subarray(start)]) : Buffer.from(chunk.subarray(start));
    if (lines.length > 0) yield lines;
  }
  if (rest.length > 0) yield [rest];
}

/** Splits a line at the first occurrence of `separator` into key and value; no separator: no key, all value. */
export function splitKeyValue(line: Buffer, separator: Buffer): { key: Buffer | null; value: Buffer } {
  const at = line.indexOf(separator);
  if (at < 0) return { key: null, value: line };
  return { key: line.subarray(0, at), value: line.subarray(at + separator.length) };
}
