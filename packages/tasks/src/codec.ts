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
  // A primitive (a number result, most often) has nothing to look through: no set of visited objects made for it.
  const problem = typeof value === 'object' && value !== null ? findProblem(value, new Set()) : findProblem(value, NO_OBJECTS);
  if (problem !== undefined) throw new KlogError('UNSERIALISABLE_VALUE', `${what} cannot be serialised: ${describe(problem)}`);
  return packr.pack(value);
}

/** The visited set for a primitive value, which findProblem never adds to. */
const NO_OBJECTS: Set<object> = new Set();

export function decodeValue(bytes: Buffer | Uint8Array): unknown {
  return packr.unpack(bytes);
}

/**
 * What cannot be carried, and where: the steps from the value down to it, innermost first. The steps are built
 * only on the way back from a problem, so a value without one (every call, nearly) costs no path strings.
 */
interface Problem {
  what: string;
  steps: string[];
}

function describe(p: Problem): string {
  const path = p.steps.reverse().join('');
  const at = path === '' ? 'the value' : path.startsWith('.') ? path.slice(1) : path;
  return `${at} ${p.what}`;
}

function findProblem(value: unknown, seen: Set<object>): Problem | undefined {
  switch (typeof value) {
    case 'function':
      return { what: 'is a function', steps: [] };
    case 'symbol':
      return { what: 'is a symbol', steps: [] };
    case 'object':
      break;
    default:
      return undefined;
  }
  if (value === null || ArrayBuffer.isView(value) || value instanceof Date || value instanceof RegExp || value instanceof ArrayBuffer) return undefined;
  if (seen.has(value)) return { what: 'refers back to itself (a cycle)', steps: [] };
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const p = findProblem(value[i], seen);
        if (p !== undefined) return within(p, `[${i}]`);
      }
      return undefined;
    }
    if (value instanceof Map) {
      let i = 0;
      for (const [k, v] of value) {
        const pk = findProblem(k, seen);
        if (pk !== undefined) return within(pk, `<key ${i}>`);
        const pv = findProblem(v, seen);
        if (pv !== undefined) return within(pv, `<${String(k)}>`);
        i++;
      }
      return undefined;
    }
    if (value instanceof Set) {
      let i = 0;
      for (const v of value) {
        const p = findProblem(v, seen);
        if (p !== undefined) return within(p, `<item ${i}>`);
        i++;
      }
      return undefined;
    }
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto !== Object.prototype && proto !== null) {
      const name = (value as { constructor?: { name?: string } }).constructor?.name ?? 'unknown';
      return { what: `is an instance of ${name}, which would arrive as a plain object (pass its data instead)`, steps: [] };
    }
    const record = value as Record<string, unknown>;
    for (const k of Object.keys(record)) {
      const p = findProblem(record[k], seen);
      if (p !== undefined) return within(p, `.${k}`);
    }
    return undefined;
  } finally {
    seen.delete(value);
  }
}

function within(p: Problem, step: string): Problem {
  p.steps.push(step);
  return p;
}
