import { encodeRequest, decodeBody, FrameReader, splitRequest, splitResponse, type RequestHeader } from '@klog/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { answerRequest } from '../src/server/dispatch.js';
import { BrokerSecurity } from '../src/security/broker-security.js';
import { expectKlogError, openHandlers, type HandlerBench } from './handler-fixture.js';

let h: HandlerBench;
beforeEach(async () => {
  h = await openHandlers({ apiVersions: { metadata: { min: 0, max: 0 } } });
});
afterEach(async () => {
  await h.close();
});

const conn = { closed: new AbortController().signal, remoteHost: '127.0.0.1', reserveAnswerBytes: async (n: number) => n, auth: BrokerSecurity.open().connectionAuth(null) };
const answer = (header: RequestHeader, body: Record<string, unknown> = {}) => answerRequest(header, body, h.ctx, conn);

describe('dispatch', () => {
  it('answers a spoken api with the correlation id in the header and the body apart', async () => {
    const frame = (await answer({ api: 'metadata', version: 0, correlationId: 77 }, { topics: [] }))!;
    const res = splitResponse(decodeBody(new FrameReader(1 << 20).push(frame)[0]));
    expect(res).toMatchObject({ correlationId: 77, error: null, body: { topics: [], controllerId: 0 } });
  });

  it('refuses an api the configured table leaves out, an unknown one and an unsupported version with UNSUPPORTED_VERSION', async () => {
    await expectKlogError(answer({ api: 'produce', version: 0, correlationId: 1 }, { topics: [] }), 'UNSUPPORTED_VERSION', 'unknown api "produce"');
    await expectKlogError(answer({ api: 'hasOwnProperty', version: 0, correlationId: 1 }), 'UNSUPPORTED_VERSION', 'speaks apiVersions, metadata');
    await expectKlogError(answer({ api: 'metadata', version: 1, correlationId: 1 }), 'UNSUPPORTED_VERSION', 'metadata version 1 is not supported');
  });

  it('turns a bad field into INVALID_REQUEST naming its path', async () => {
    await expectKlogError(answer({ api: 'metadata', version: 0, correlationId: 1 }, { topics: [1] }), 'INVALID_REQUEST', 'metadata.topics[0] must be a string');
  });

  it('handles a frame the client encoder built', async () => {
    const split = splitRequest(decodeBody(new FrameReader(1 << 20).push(encodeRequest('apiVersions', 0, 5, {}))[0]));
    if ('problem' in split) throw new Error(split.problem);
    expect(await answer(split.header, split.body)).toBeInstanceOf(Buffer);
  });
});
