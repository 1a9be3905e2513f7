import { KlogError } from '@klog/log-core';
import { Packr } from 'msgpackr';

/**
 * Task arguments and results travel as msgpack (msgpackr): Buffers, Dates, Maps, Sets, typed arrays and bigints
 * come back as themselves. What msgpack cannot carry faithfully (functions, symbols, class instances that would
 * come back as plain objects, cycles) is refused when it is encoded, naming where it is, rather than arriving
 * altered at the worker.
 */
const packr = new Packr({ moreTypes: true });

export function encodeValue(value: unknown, what: string): Buffer {
  const problem = findProblem(value, '', new Set());
  if (problem !== undefined) throw new KlogError('UNSERIALISABLE_VALUE', `${what} cannot be serialised: ${problem}`);
  return packr.pack(value);
}

export function decodeValue(bytes: Buffer | Uint8Array): unknown {
  return packr.unpack(bytes);
}

const LEAF_CLASSES: readonly (abstract new (...args: never[]) => unknown)[] = [Date, RegExp, ArrayBuffer];

function findProblem(value: unknown, path: string, seen: Set<object>): string | undefined {
  const at = path === '' ? 'the value' : path;
  switch (typeof value) {
    case 'function':
      return `${at} is a function`;
    case 'symbol':
      return `${at} is a symbol`;
    case 'object':
      break;
    default:
      return undefined;
  }
  if (value === null || ArrayBuffer.isView(value) || LEAF_CLASSES.some((c) => value instanceof c)) return undefined;
  if (seen.has(value)) return `${at} refers back to itself (a cycle)`;
  seen.add(value);
  try {
    if (Array.isArray(value)) return firstOf(value.map((v, i) => [v, `${path}[${i}]`]), seen);
    if (value instanceof Map) return firstOf([...value].flatMap(([k, v], i) => [[k, `${path}<key ${i}>`], [v, `${path}<${String(k)}>`]]), seen);
    if (value instanceof Set) return firstOf([...value].map((v, i) => [v, `${path}<item ${i}>`]), seen);
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto !== Object.prototype && proto !== null) {
      const name = (value as { constructor?: { name?: string } }).constructor?.name ?? 'unknown';
      return `${at} is an instance of ${name}, which would arrive as a plain object (pass its data instead)`;
    }
    return firstOf(Object.entries(value).map(([k, v]) => [v, path === '' ? k : `${path}.${k}`]), seen);
  } finally {
    seen.delete(value);
  }
}

function firstOf(entries: [unknown, string][], seen: Set<object>): string | undefined {
  for (const [v, p] of entries) {
    const problem = findProblem(v, p, seen);
    if (problem !== undefined) return problem;
  }
  return undefined;
}
