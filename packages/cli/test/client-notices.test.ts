import { describe, expect, it } from 'vitest';
import { clientNotices } from '../src/client-notices.js';

describe('clientNotices', () => {
  it('says an outage once, in klog\'s voice, and again only for a later outage', () => {
    const said: string[] = [];
    let now = 0;
    const logger = clientNotices((l) => said.push(l), () => now);
    const retry = (code: string) => logger.warn({ code, error: `cause ${code}` }, `fetch failed (${code}); retrying`);
    retry('CONNECTION_LOST');
    now += 2_000;
    retry('BROKER_NOT_AVAILABLE');
    now += 60_000;
    retry('BROKER_NOT_AVAILABLE');
    expect(said).toEqual([
      'klog: broker unreachable (cause CONNECTION_LOST); reconnecting until it is back',
      'klog: broker unreachable (cause BROKER_NOT_AVAILABLE); reconnecting until it is back',
    ]);
  });

  it('passes other warnings on as one line each, and drops debug and info', () => {
    const said: string[] = [];
    const logger = clientNotices((l) => said.push(l));
    logger.info({}, 'connected');
    logger.debug({}, 'fetch');
    logger.warn({ code: 'UNKNOWN_MEMBER_ID', error: 'member m is gone' }, 'heartbeat failed');
    expect(said).toEqual(['klog: heartbeat failed: member m is gone']);
  });
});
