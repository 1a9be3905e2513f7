// A request the broker does not answer in time fails with REQUEST_TIMED_OUT and takes its connection down (the
// stream may be out of step); the connection's one timer serves requests with different timeouts in any order.
import { isKlogError } from '@klog/client';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs, withClient, type clientFor } from '../broker/fixture.js';

afterAll(removeTempDirs);

/** A fetch the broker holds for `waitMs` (nothing to read at the end of an empty topic), timed out after `timeoutMs`. */
function heldFetch(conn: ReturnType<ReturnType<typeof clientFor>['connection']>, waitMs: number, timeoutMs: number): Promise<unknown> {
  return conn.request('fetch', { maxWaitMs: waitMs, minBytes: 1, topics: [{ topic: 'quiet', partitions: [{ partition: 0, offset: 0 }] }] }, { timeoutMs });
}

const outcome = (p: Promise<unknown>, t0: number): Promise<{ code: string; ms: number }> =>
  p.then(() => ({ code: 'answered', ms: performance.now() - t0 }), (err: unknown) => ({ code: isKlogError(err) ? err.code : String(err), ms: performance.now() - t0 }));

describe('request timeouts', () => {
  it('times out each request at its own deadline (a later, shorter one first), answers those in time, and reconnects after', async () => {
    await withClient(async (client) => {
      await client.admin().createTopic('quiet', { partitions: 1 });
      const conn = client.connection();
      await conn.request('metadata', { topics: ['quiet'] });
      const t0 = performance.now();
      const long = outcome(heldFetch(conn, 5_000, 900), t0);
      const short = outcome(heldFetch(conn, 5_000, 300), t0);
      const inTime = outcome(heldFetch(conn, 100, 5_000), t0);
      const first = await Promise.race([long.then(() => 'long'), short.then(() => 'short')]);
      expect(first).toBe('short');
      const s = await short;
      expect(s.code).toBe('REQUEST_TIMED_OUT');
      expect(s.ms).toBeGreaterThanOrEqual(290);
      expect(s.ms).toBeLessThan(2_000);
      // The timeout took the connection down: what was still in flight on it failed as lost, not as answered.
      expect((await inTime).code).not.toBe('answered');
      expect(['CONNECTION_LOST', 'REQUEST_TIMED_OUT']).toContain((await long).code);
      // The next request opens a new connection and is answered; one held within its timeout is answered too.
      await conn.request('metadata', { topics: ['quiet'] });
      expect((await outcome(heldFetch(conn, 100, 2_000), performance.now())).code).toBe('answered');
    });
  });
});
