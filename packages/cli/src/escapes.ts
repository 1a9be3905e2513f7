import { KlogError } from '@klog/log-core';

const SIMPLE: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', 0: '\0' };

/**
 * The backslash escape at `text[i]` (a backslash): `\n \t \r \\ \0`, and `\xNN` for any byte as kcat has it.
 * Returns the byte(s) and how many characters were read, or null when it is not an escape (taken literally).
 */
export function escapeAt(text: string, i: number): { bytes: Buffer; length: number } | null {
  const c = text[i + 1];
  if (c !== undefined && c in SIMPLE) return { bytes: Buffer.from(SIMPLE[c], 'latin1'), length: 2 };
  if (c === 'x') {
    const hex = /^[0-9a-fA-F]{2}/.exec(text.slice(i + 2, i + 4));
    if (!hex) throw new KlogError('INVALID_CONFIG', `\\x must be followed by two hex digits (like \\x1f), in ${JSON.stringify(text)}`);
    return { bytes: Buffer.from([parseInt(hex[0], 16)]), length: 4 };
  }
  return null;
}

/** A command-line text with its escapes turned into the bytes they stand for (for separators and delimiters). */
export function unescape(text: string): Buffer {
  const parts: Buffer[] = [];
  let literal = '';
  for (let i = 0; i < text.length; i++) {
    const e = text[i] === '\\' ? escapeAt(text, i) : null;
    if (e) {
      parts.push(Buffer.from(literal), e.bytes);
      literal = '';
      i += e.length - 1;
    } else {
      literal += text[i];
    }
  }
  parts.push(Buffer.from(literal));
  return Buffer.concat(parts);
}
