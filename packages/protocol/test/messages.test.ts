import { KlogError } from '@klog/log-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  APIS, decodeBody, decodeRequest, decodeResponse, encodeErrorResponse, encodeRequest, FrameReader, splitRequest, splitResponse,
  type ApiName,
} from '../src/index.js';

function decodeFrame(frame: Buffer): unknown {
  return decodeBody(new FrameReader(1 << 20).push(frame)[0]);
}

function invalid(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(KlogError);
    expect((err as KlogError).code).toBe('INVALID_REQUEST');
    return (err as KlogError).message;
  }
  throw new Error('expected INVALID_REQUEST');
}

describe('request and response messages', () => {
  it('keeps the header apart from the body on both sides', () => {
    const split = splitRequest(decodeFrame(encodeRequest('describeGroup', 0, 41, { groupId: 'g' })));
    expect(split).toEqual({ header: { api: 'describeGroup', version: 0, correlationId: 41 }, body: { groupId: 'g' } });
    const answer = splitResponse({ correlationId: 41, groupId: 'g' });
    expect(answer).toEqual({ correlationId: 41, error: null, body: { groupId: 'g' } });
  });

  it('drops fields the schema does not know when writing, so nothing stray reaches the wire', () => {
    const body = { groupId: 'g', correlationId: 5, extra: true } as unknown as { groupId: string };
    const split = splitRequest(decodeFrame(encodeRequest('deleteGroup', 0, 1, body)));
    expect(split).toMatchObject({ body: { groupId: 'g' } });
    expect(Object.keys((split as { body: object }).body)).toEqual(['groupId']);
  });

  it('names the path of a bad field in the INVALID_REQUEST message', () => {
    const bad = { acks: 1, topics: [{ topic: 't', partitions: [{ partition: 0, batch: 'not bytes' }] }] };
    expect(invalid(() => decodeRequest('produce', 0, bad))).toBe('produce.topics[0].partitions[0].batch must be bytes, got string');
    expect(invalid(() => decodeRequest('produce', 0, { acks: 2, topics: [] }))).toContain('produce.acks must be one of 0, 1, -1');
    expect(invalid(() => decodeRequest('fetch', 0, { maxWaitMs: 61_000, topics: [] }))).toContain('fetch.maxWaitMs must be between 0 and 60000');
    expect(invalid(() => decodeRequest('joinGroup', 0, { groupId: 'g', subscription: { topics: [1] } }))).toContain('joinGroup.subscription.topics[0] must be a string');
    expect(invalid(() => decodeRequest('resetOffsets', 0, { groupId: 'g', topic: 't', to: 'soon' }))).toContain('resetOffsets.to must be');
  });

  it('treats null as left out for optional fields, and keeps null for nullable ones', () => {
    expect(decodeRequest('metadata', 0, { topics: null })).toEqual({});
    const res = decodeResponse('describeGroup', 0, {
      groupId: 'g', state: 'Empty', generationId: 0, protocolType: 'klog', protocolName: null, leaderId: null, members: [], partitions: [],
    });
    expect(res.protocolName).toBeNull();
  });

  it('reports a malformed answer from the broker with the field path', () => {
    expect(invalid(() => decodeResponse('initProducerId', 0, { producerId: 'x', producerEpoch: 0 })))
      .toBe("the broker's initProducerId answer is malformed: initProducerId.producerId must be an integer, got string");
  });

  it('answers a header without a correlation id with no id to answer to, and one with an id with that id', () => {
    expect(splitRequest({ api: 'metadata' })).toMatchObject({ correlationId: null });
    expect(splitRequest([1, 2])).toMatchObject({ correlationId: null });
    expect(splitRequest({ api: 5, version: 0, correlationId: 9 })).toMatchObject({ correlationId: 9 });
    expect(splitRequest({ api: 'metadata', version: 0, correlationId: -1 })).toMatchObject({ correlationId: null });
  });

  it('carries a top-level error apart from the body', () => {
    const answer = splitResponse(decodeFrame(encodeErrorResponse(3, { errorCode: 'UNSUPPORTED_VERSION', errorMessage: 'no' })));
    expect(answer).toEqual({ correlationId: 3, error: { errorCode: 'UNSUPPORTED_VERSION', errorMessage: 'no' }, body: expect.anything() });
  });

  it('never throws anything but INVALID_REQUEST on arbitrary bodies', () => {
    const value = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null),
      fc.uint8Array({ maxLength: 8 }).map((a) => Buffer.from(a)));
    const body = fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(value, fc.array(value, { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 6 }), value)));
    fc.assert(fc.property(fc.constantFrom(...(Object.keys(APIS) as ApiName[])), body, (api, b) => {
      try {
        decodeRequest(api, 0, b);
      } catch (err) {
        if (!(err instanceof KlogError) || err.code !== 'INVALID_REQUEST') throw err;
      }
    }), { numRuns: 500 });
  });
});
