import { KlogError } from '@klog/log-core';
import { pack, unpack } from 'msgpackr';

/** How keys and values are turned into bytes: Buffers pass through, strings are UTF-8, or a named codec. */
export type Serializer = 'json' | 'msgpack';
export type Deserializer = 'json' | 'msgpack' | 'string' | 'buffer';

export type MessageField = Buffer | Uint8Array | string | null | undefined;

/** `what` names the field in an error; pass a message index and field name, as building strings per record costs. */
export function toBytes(value: unknown, serializer: Serializer | undefined, index: number, field: string): Buffer | null {
  if (value === null || value === undefined) return null;
  if (serializer === 'json') return Buffer.from(JSON.stringify(value));
  if (serializer === 'msgpack') return pack(value);
  if (Buffer.isBuffer(value)) return value;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (typeof value === 'string') return Buffer.from(value);
  throw new KlogError('INVALID_RECORD',
    `message ${index} ${field} must be a Buffer, a string or null (or set a serializer: 'json' | 'msgpack'), got ${typeof value}`);
}

export function fromBytes(bytes: Buffer | null, deserializer: Deserializer | undefined): unknown {
  if (bytes === null) return null;
  switch (deserializer) {
    case 'json':
      return JSON.parse(bytes.toString('utf8'));
    case 'msgpack':
      return unpack(bytes);
    case 'string':
      return bytes.toString('utf8');
    default:
      return bytes;
  }
}
