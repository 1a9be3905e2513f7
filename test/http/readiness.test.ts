// A real broker opening a log of 500 partitions after a crash (no clean-shutdown marker, so every partition is
// recovered at open; after a clean close they would open lazily, in no time): its HTTP listener answers /readyz
// with 503 while the log opens, and 200 once startBroker has resolved.
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { LogStore } from '@klog/log-core';
import { startBroker } from '@klog/broker';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs, request, tempDir } from './http-fixture.js';

afterAll(removeTempDirs);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

describe('readiness of a real broker', () => {
  it('answers 503 while the log opens and 200 once the broker serves', async () => {
    const dataDir = tempDir();
    const store = await LogStore.open(dataDir);
    for (let t = 0; t < 10; t++) await store.createTopic(`topic-${t}`, { partitions: 50 });
    await store.close();
    rmSync(join(dataDir, '.clean-shutdown')); // as a kill -9 would leave it

    const httpPort = await freePort();
    let started = false;
    const starting = startBroker({ dataDir, port: 0, httpPort, logLevel: 'silent' }).finally(() => (started = true));
    const seen: number[] = [];
    while (!started) {
      const res = await request(httpPort, '/readyz').catch(() => null); // null: not listening yet
      if (res) seen.push(res.status);
    }
    const broker = await starting;
    try {
      expect(seen).toContain(503);
      expect(seen.indexOf(200) === -1 || seen.slice(seen.indexOf(200)).every((s) => s === 200)).toBe(true);
      expect((await request(httpPort, '/readyz')).status).toBe(200);
      expect((await request(httpPort, '/livez')).status).toBe(200);
    } finally {
      await broker.close();
    }
  });
});
