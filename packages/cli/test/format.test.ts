import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ConsumedMessage } from '@klog/client';
import { compileFormat, DEFAULT_FORMAT, toJsonLine } from '../src/format.js';

/** A consumed message; its headerList follows the headers given, as a consumer's does (unless given too). */
function message(over: Partial<ConsumedMessage> = {}): ConsumedMessage {
  const headerList = Object.entries(over.headers ?? {}).map(([key, value]) => ({ key, value }));
  return { topic: 't', partition: 2, offset: 41, key: Buffer.from('k'), value: Buffer.from('v'), timestamp: 1700000000000, headers: {}, headerList, ...over };
}

describe('compileFormat', () => {
  it('fills every field and turns escapes into characters', () => {
    const f = compileFormat('%t|%p|%o|%k|%v|%T|%h\\t%%\\n');
    const m = message({ headers: { a: Buffer.from('1'), b: null } });
    expect(f(m).toString()).toBe('t|2|41|k|v|1700000000000|a=1,b=\t%\n');
  });

  it('defaults to the value and a newline; a null key or value prints as nothing', () => {
    expect(compileFormat(DEFAULT_FORMAT)(message({ value: Buffer.from('hello') })).toString()).toBe('hello\n');
    expect(compileFormat('[%k][%v]')(message({ key: null, value: null })).toString()).toBe('[][]');
  });

  it('writes keys and values byte for byte', () => {
    fc.assert(fc.property(fc.uint8Array(), fc.uint8Array(), (k, v) => {
      const out = compileFormat('%k%v')(message({ key: Buffer.from(k), value: Buffer.from(v) }));
      expect(out).toEqual(Buffer.concat([Buffer.from(k), Buffer.from(v)]));
    }));
  });

  it('has kcat\'s sizes: %S and %K in digits, %R as 4 big-endian bytes, -1 for a missing key or value', () => {
    expect(compileFormat('%S %K|')(message({ key: Buffer.from('key'), value: Buffer.from('hello') })).toString()).toBe('5 3|');
    expect(compileFormat('%S %K|')(message({ key: null, value: null })).toString()).toBe('-1 -1|');
    expect(compileFormat('%R')(message({ value: Buffer.alloc(258) }))).toEqual(Buffer.from([0, 0, 1, 2]));
    expect(compileFormat('%R')(message({ value: null }))).toEqual(Buffer.from([0xff, 0xff, 0xff, 0xff]));
  });

  it('has %s for the payload (with %v kept as its other name), \\xNN escapes and ISO timestamps', () => {
    expect(compileFormat('%s=%v\\x41\\x0a')(message()).toString()).toBe('v=vA\n');
    expect(compileFormat('%T', 'iso')(message()).toString()).toBe('2023-11-14T22:13:20.000Z');
    expect(() => compileFormat('\\xZZ')).toThrow(/two hex digits/);
  });

  it('prints headers in the order sent, duplicates kept, from the ordered list when the client gives one', () => {
    const headerList = [{ key: 'a', value: Buffer.from('1') }, { key: 'a', value: Buffer.from('2') }, { key: 'b', value: Buffer.from('3') }];
    const m = { ...message({ headers: { a: Buffer.from('2'), b: Buffer.from('3') } }), headerList } as ConsumedMessage;
    expect(compileFormat('%h')(m).toString()).toBe('a=1,a=2,b=3');
    expect(JSON.parse(toJsonLine(m)).headers).toEqual([{ key: 'a', value: '1' }, { key: 'a', value: '2' }, { key: 'b', value: '3' }]);
  });

  it('rejects an unknown field', () => {
    expect(() => compileFormat('%x')).toThrow(/unknown field %x/);
  });
});

describe('toJsonLine', () => {
  it('gives UTF-8 as text, with no encoding field', () => {
    const obj = JSON.parse(toJsonLine(message({ key: null, value: Buffer.from('héllo'), headers: { h: Buffer.from('x') } })));
    expect(obj).toEqual({ topic: 't', partition: 2, offset: 41, timestamp: 1700000000000, key: null, value: 'héllo', headers: [{ key: 'h', value: 'x' }] });
  });

  it('is one line of valid JSON from which any bytes come back exactly', () => {
    fc.assert(fc.property(fc.uint8Array(), fc.uint8Array(), fc.uint8Array(), (k, v, h) => {
      const line = toJsonLine(message({ key: Buffer.from(k), value: Buffer.from(v), headers: { h: Buffer.from(h) } }));
      expect(line.endsWith('\n')).toBe(true);
      expect(line.slice(0, -1)).not.toContain('\n');
      const obj = JSON.parse(line);
      const back = (text: string, enc: string | undefined) => Buffer.from(text, enc === 'base64' ? 'base64' : 'utf8');
      expect(back(obj.key, obj.keyEncoding)).toEqual(Buffer.from(k));
      expect(back(obj.value, obj.valueEncoding)).toEqual(Buffer.from(v));
      const [hv] = obj.headers;
      expect(back(hv.value, hv.valueEncoding)).toEqual(Buffer.from(h));
    }));
  });
});
