// How the console shows a record's key or value (console/app/record-format.js), run under Node.
import { describe, expect, it } from 'vitest';
import { formatPayload, hexOf } from '../console/app/record-format.js';

const payload = (text: string | null, bytes: Buffer = Buffer.from(text ?? '')) => ({ text, base64: bytes.toString('base64') });

describe('formatPayload', () => {
  it('shows text as it is, and JSON pretty-printed in JSON mode', () => {
    expect(formatPayload(payload('{"a":1}'), 'text')).toEqual({ shown: '{"a":1}', as: 'text' });
    expect(formatPayload(payload('{"a":1}'), 'json')).toEqual({ shown: '{\n  "a": 1\n}', as: 'json' });
  });

  it('falls back to text in JSON mode when the payload is not JSON', () => {
    expect(formatPayload(payload('plain'), 'json')).toEqual({ shown: 'plain', as: 'text' });
  });

  it('shows bytes that are not UTF-8 as hex whatever the mode, and null as null', () => {
    expect(formatPayload(payload(null, Buffer.from([0xff, 0x00, 0x1a])), 'text')).toEqual({ shown: 'ff 00 1a', as: 'hex' });
    expect(formatPayload(null, 'json')).toEqual({ shown: 'null', as: 'null' });
  });

  it('hex mode shows every byte, two digits each', () => {
    expect(hexOf(Buffer.from('Az\n').toString('base64'))).toBe('41 7a 0a');
    expect(formatPayload(payload('é'), 'hex').shown).toBe('c3 a9');
  });
});
