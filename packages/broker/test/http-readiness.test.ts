// /livez and /readyz follow the broker's state: alive as soon as HTTP is served, ready only once the backend has
// services (the log open, the listeners bound); until then the API answers 503 BROKER_STARTING.
import { get } from 'node:http';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { startHttpListener } from '../src/http/http-listener.js';
import type { HttpServices } from '../src/http/http-services.js';

function status(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

describe('readiness', () => {
  it('is live at once, ready only when the broker serves, and not ready again while it stops', async () => {
    let services: HttpServices | null = null;
    const listener = await startHttpListener(
      { host: '127.0.0.1', port: 0, readOnly: false, staticRoot: '/nonexistent', logger: pino({ level: 'silent' }) },
      { services: () => services, scrape: async () => ({ contentType: 'text/plain; version=0.0.4; charset=utf-8', body: '' }) },
    );
    try {
      expect((await status(listener.port, '/livez')).status).toBe(200);
      expect((await status(listener.port, '/readyz')).status).toBe(503);
      const starting = await status(listener.port, '/api/v1/overview');
      expect(starting.status).toBe(503);
      expect(JSON.parse(starting.body).error.code).toBe('BROKER_STARTING');
      expect((await status(listener.port, '/metrics')).status).toBe(200);

      services = {} as HttpServices; // readiness asks only whether there are services
      expect((await status(listener.port, '/readyz')).status).toBe(200);
      expect((await status(listener.port, '/livez')).status).toBe(200);

      services = null; // stopping
      expect((await status(listener.port, '/readyz')).status).toBe(503);
    } finally {
      await listener.close();
    }
  });
});
