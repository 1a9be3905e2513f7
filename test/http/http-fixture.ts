// Shared by the HTTP listener tests: a quiet broker with its HTTP listener on a free loopback port, and requests
// made with node:http so that a test controls exactly what goes on the wire (raw paths that fetch would
// normalise, Host and Origin headers, bodies of any size).
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Broker, BrokerOptions } from '@klog/broker';
import { startTestBroker } from '../broker/fixture.js';

export { clientFor, removeTempDirs, tempDir, waitUntil } from '../broker/fixture.js';

export type HttpBroker = Broker & { httpPort: number };

export async function startHttpBroker(opts: Partial<BrokerOptions> = {}): Promise<HttpBroker> {
  const broker = await startTestBroker({ httpPort: 0, ...opts });
  return broker as HttpBroker;
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json<T = any>(): T;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Speak HTTPS, trusting this CA. */
  ca?: Buffer;
}

/** One request over loopback; the path is sent exactly as given. */
export function request(port: number, path: string, opts: RequestOptions = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const target = { host: '127.0.0.1', port, path, method: opts.method ?? 'GET', headers: opts.headers };
    const send = (cb: (res: IncomingMessage) => void): ClientRequest => (opts.ca ? httpsRequest({ ...target, ca: opts.ca }, cb) : httpRequest(target, cb));
    const req = send((res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** A change as the console makes it: JSON body and the X-Klog-Console header. */
export function post(port: number, path: string, body: unknown, headers: Record<string, string> = {}, ca?: Buffer): Promise<Answer> {
  return request(port, path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-klog-console': '1', ...headers },
    body: JSON.stringify(body),
    ca,
  });
}

export async function getJson<T = any>(port: number, path: string): Promise<T> {
  const res = await request(port, path);
  if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${res.text}`);
  return res.json<T>();
}

export interface SseEvent {
  event: string;
  data: any;
}

/** Reads a Server-Sent Events stream into `events` until `close` is called. */
export function openEventStream(port: number, path: string): Promise<{ events: SseEvent[]; status: number; close(): void }> {
  return new Promise((resolve, reject) => {
    const events: SseEvent[] = [];
    const req = httpRequest({ host: '127.0.0.1', port, path, headers: { accept: 'text/event-stream' } }, (res) => {
      let buffered = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffered += chunk;
        let end: number;
        while ((end = buffered.indexOf('\n\n')) >= 0) {
          const block = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (data !== undefined) events.push({ event, data: JSON.parse(data) });
        }
      });
      res.on('error', () => undefined);
      resolve({ events, status: res.statusCode ?? 0, close: () => req.destroy() });
    });
    req.on('error', (err) => reject(err));
    req.end();
  });
}
