// What the HTTP listener refuses, and that refusing leaves the broker serving: paths outside the console's
// files (in several encodings), bodies too large or not JSON, foreign Host and Origin headers, changes without
// the console's header, and changes in read-only mode. Every answer carries the security headers.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { clientFor, getJson, post, removeTempDirs, request, startHttpBroker, tempDir, type Answer, type HttpBroker } from './http-fixture.js';

afterAll(removeTempDirs);

function consoleDir(): string {
  const outside = tempDir();
  writeFileSync(join(outside, 'secret.txt'), 'not for browsers');
  const dir = join(tempDir(), 'console');
  mkdirSync(join(dir, 'vendor'), { recursive: true });
  mkdirSync(join(dir, 'app'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>console</title>');
  writeFileSync(join(dir, 'app', 'main.js'), 'export {};');
  writeFileSync(join(dir, 'style.css'), 'body {}');
  writeFileSync(join(dir, 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(join(dir, 'icon.png'), Buffer.from('89504e470d0a1a0a', 'hex'));
  writeFileSync(join(dir, 'vendor', 'lib.mjs'), 'export const x = 1;');
  symlinkSync(join(outside, 'secret.txt'), join(dir, 'linked.txt'));
  return dir;
}

function expectSecurityHeaders(res: Answer): void {
  expect(res.headers['content-security-policy']).toMatch(/^default-src 'self'/);
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['referrer-policy']).toBe('no-referrer');
  expect(res.headers['x-frame-options']).toBe('DENY');
}

function expectRefused(res: Answer, status: number, code: string): void {
  expect(res.status, res.text).toBe(status);
  expect(res.json().error.code).toBe(code);
  expect(res.json().error.message.length).toBeGreaterThan(10);
  expectSecurityHeaders(res);
}

/** The broker still answers over HTTP and over its native protocol. */
async function expectUnharmed(broker: HttpBroker): Promise<void> {
  expect((await getJson(broker.httpPort, '/api/v1/overview')).version).toEqual(expect.any(String));
  const client = clientFor(broker);
  try {
    await client.producer().send({ topic: 'alive', messages: [{ value: 'still here' }] });
  } finally {
    await client.close();
  }
}

describe('HTTP safety', () => {
  it('serves the console files with their types and caching, and nothing outside them', async () => {
    const broker = await startHttpBroker({ consoleDir: consoleDir() });
    try {
      const index = await request(broker.httpPort, '/');
      expect(index.status).toBe(200);
      expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(index.text).toContain('<title>console</title>');
      expectSecurityHeaders(index);
      const types: Record<string, string> = {
        '/app/main.js': 'text/javascript; charset=utf-8',
        '/style.css': 'text/css; charset=utf-8',
        '/logo.svg': 'image/svg+xml',
        '/icon.png': 'image/png',
        '/vendor/lib.mjs': 'text/javascript; charset=utf-8',
      };
      for (const [path, type] of Object.entries(types)) {
        const res = await request(broker.httpPort, path);
        expect(res.status, path).toBe(200);
        expect(res.headers['content-type'], path).toBe(type);
      }
      expect((await request(broker.httpPort, '/vendor/lib.mjs')).headers['cache-control']).toMatch(/max-age=31536000/);
      expect((await request(broker.httpPort, '/app/main.js')).headers['cache-control']).toBe('no-cache');

      const attempts = [
        '/../package.json', '/%2e%2e/package.json', '/%2E%2E/%2E%2E/package.json', '/..%2fpackage.json', '/%2e%2e%2f%2e%2e%2fpackage.json',
        '/vendor/../../package.json', '/..\\package.json', '/%5c..%5cpackage.json', '/index.html%00.png', '/%00', '/linked.txt',
        '/vendor/%2e%2e/%2e%2e/%2e%2e/package.json', '/%252e%252e/package.json', '/missing.js', '/app/',
      ];
      for (const path of attempts) {
        const res = await request(broker.httpPort, path);
        expect([400, 404], `${path}: ${res.status}`).toContain(res.status);
        expect(res.text).not.toContain('not for browsers');
        expect(res.text).not.toContain('@klog');
        expectSecurityHeaders(res);
      }
      await expectUnharmed(broker);
    } finally {
      await broker.close();
    }
  });

  it('refuses large and malformed bodies, foreign hosts and origins, and changes without the console header', async () => {
    const broker = await startHttpBroker();
    try {
      await broker.store.createTopic('t', { partitions: 1 });
      const url = '/api/v1/topics/t/messages';
      expectRefused(await request(broker.httpPort, url, {
        method: 'POST', headers: { 'content-type': 'application/json', 'x-klog-console': '1' }, body: JSON.stringify({ value: 'x'.repeat(2 * 1024 * 1024) }),
      }), 413, 'BODY_TOO_LARGE');
      await expectUnharmed(broker);
      expectRefused(await request(broker.httpPort, url, { method: 'POST', headers: { 'x-klog-console': '1' }, body: '{"value": ' }), 400, 'INVALID_REQUEST');
      expectRefused(await post(broker.httpPort, url, { value: 42 }), 400, 'INVALID_REQUEST');
      expectRefused(await post(broker.httpPort, url, ['not', 'an', 'object']), 400, 'INVALID_REQUEST');
      expectRefused(await post(broker.httpPort, url, { value: 'x' }, { origin: 'http://evil.example' }), 403, 'FORBIDDEN');
      expectRefused(await post(broker.httpPort, url, { value: 'x' }, { origin: `http://127.0.0.1:${broker.httpPort + 1}` }), 403, 'FORBIDDEN');
      expectRefused(await request(broker.httpPort, url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"value":"x"}' }), 403, 'FORBIDDEN');
      expectRefused(await request(broker.httpPort, '/api/v1/queues/q/redrive', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }), 403, 'FORBIDDEN');
      expectRefused(await request(broker.httpPort, '/api/v1/overview', { headers: { host: `evil.example:${broker.httpPort}` } }), 403, 'FORBIDDEN');
      expectRefused(await request(broker.httpPort, '/metrics', { headers: { host: `127.0.0.1:${broker.httpPort + 1}` } }), 403, 'FORBIDDEN');
      expectRefused(await request(broker.httpPort, '/api/v1/nothing-here'), 404, 'NOT_FOUND');
      expectRefused(await request(broker.httpPort, '/api/v1/overview', { method: 'POST', headers: { 'x-klog-console': '1' } }), 404, 'NOT_FOUND');
      expectRefused(await post(broker.httpPort, '/api/v1/topics/__consumer_offsets/messages', { value: 'x' }), 400, 'INVALID_TOPIC_NAME');
      expectRefused(await post(broker.httpPort, '/api/v1/topics/nope/messages', { value: 'x' }), 404, 'UNKNOWN_TOPIC');
      // What the console itself sends is accepted, under either loopback name.
      const ok = await post(broker.httpPort, url, { value: 'x' }, { origin: `http://localhost:${broker.httpPort}`, host: `localhost:${broker.httpPort}` });
      expect(ok.status).toBe(200);
      expect(broker.store.logEndOffset('t', 0)).toBe(1); // none of the refused produces wrote anything
      await expectUnharmed(broker);
    } finally {
      await broker.close();
    }
  });

  it('refuses every change in read-only mode and still answers reads', async () => {
    const broker = await startHttpBroker({ consoleReadOnly: true });
    try {
      await broker.store.createTopic('t', { partitions: 1 });
      expectRefused(await post(broker.httpPort, '/api/v1/topics/t/messages', { value: 'x' }), 403, 'FORBIDDEN');
      expectRefused(await post(broker.httpPort, '/api/v1/groups/g/reset-offsets', { topic: 't', to: 'earliest', dryRun: true }), 403, 'FORBIDDEN');
      expectRefused(await post(broker.httpPort, '/api/v1/queues/q/redrive', {}), 403, 'FORBIDDEN');
      expect((await getJson(broker.httpPort, '/api/v1/overview')).readOnly).toBe(true);
      expect(broker.store.logEndOffset('t', 0)).toBe(0);
      await expectUnharmed(broker);
    } finally {
      await broker.close();
    }
  });
});
