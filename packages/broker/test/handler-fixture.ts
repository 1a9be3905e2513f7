// The broker's request handlers without sockets: a real LogStore in a temp dir, the real group coordinator, and
// each request passed through the protocol's decoder, as the connection would.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GroupCoordinator } from '@klog/consumer-group';
import { KlogError, LogStore, type ErrorCode } from '@klog/log-core';
import {
  decodeBody, decodeRequest, decodeResponse, encodeRequest, encodeResponse, FrameReader, splitRequest, splitResponse, type ApiName, type RequestOf,
  type ResponseOf,
} from '@klog/protocol';
import { pino } from 'pino';
import { BrokerSecurity } from '../src/security/broker-security.js';
import { expect } from 'vitest';
import { BrokerContext } from '../src/server/broker-context.js';
import { resolveBrokerConfig, type BrokerOptions } from '../src/server/broker-config.js';
import { handlerOf, type RequestContext } from '../src/server/dispatch.js';
import { ProducerIdAllocator } from '../src/server/producer-ids.js';
import { QueueHost } from '../src/services/queue-host.js';

export interface HandlerBench {
  ctx: BrokerContext;
  /** Sends one request through the typed API; the answer, or null for none (produce with acks 0). */
  call<A extends ApiName>(api: A, req: RequestOf<A>, conn?: Partial<RequestContext>): Promise<ResponseOf<A> | null>;
  close(): Promise<void>;
}

export async function openHandlers(opts: Partial<BrokerOptions> = {}): Promise<HandlerBench> {
  const dir = mkdtempSync(join(tmpdir(), 'klog-handlers-'));
  const logger = pino({ level: 'silent' });
  const config = resolveBrokerConfig({ dataDir: dir, ...opts });
  const store = await LogStore.open(dir, { logger });
  const coordinator = await GroupCoordinator.open(store, { logger, initialRebalanceDelayMs: 0 });
  const queues = await QueueHost.open(store, { sessionTimeoutMs: config.queueSessionTimeoutMs, logger });
  const ctx = new BrokerContext(store, config, logger, new ProducerIdAllocator(dir), coordinator, queues, () => ({ host: '127.0.0.1', port: 7420 }));
  const call = async <A extends ApiName>(api: A, req: RequestOf<A>, conn: Partial<RequestContext> = {}) => {
    // Through the wire encoding and the decoder, so the handler sees exactly what a connection would give it.
    const split = splitRequest(decodeBody(new FrameReader(1 << 26).push(encodeRequest(api, 0, 1, req))[0]));
    if ('problem' in split) throw new Error(split.problem);
    const decoded = decodeRequest(api, 0, split.body);
    const res = await handlerOf(api)(decoded, ctx, {
      closed: new AbortController().signal, remoteHost: '127.0.0.1', reserveAnswerBytes: async (n) => n, auth: ctx.security.connectionAuth(null), ...conn,
    });
    if (res === null) return null;
    // And the answer back through the encoder and decoder: the test sees what a client would.
    const answer = splitResponse(decodeBody(new FrameReader(1 << 26).push(encodeResponse(api, 0, 1, res))[0]));
    return decodeResponse(api, 0, answer!.body);
  };
  return {
    ctx,
    call,
    async close() {
      ctx.shutdown.abort();
      await queues.close();
      await coordinator.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function expectKlogError(p: Promise<unknown>, code: ErrorCode, text?: string): Promise<void> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(KlogError);
  expect((err as KlogError).code).toBe(code);
  if (text) expect((err as KlogError).message).toContain(text);
}
