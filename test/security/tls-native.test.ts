// TLS on the native and HTTP listeners, through @klog/client and node:https: records over TLS, mutual TLS with the
// certificate's CN as the connection's principal, and each way of getting it wrong failing at once with a typed
// error that says what to do (plaintext client on a TLS port, TLS client on a plaintext port, unknown CA, missing
// or foreign client certificate).
import { get } from 'node:https';
import { createClient, type ClientOptions } from '@klog/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeTempDirs, startTestBroker } from '../broker/fixture.js';
import { makeCertificates, type TestCertificates } from './certificates.js';
import { recordingLogger } from './log-recorder.js';

let certs: TestCertificates;
beforeAll(() => {
  certs = makeCertificates();
});
afterAll(() => {
  certs?.remove();
  removeTempDirs();
});

async function roundTrip(port: number, opts: Partial<ClientOptions>, topic: string): Promise<string> {
  const client = createClient({ brokers: [`127.0.0.1:${port}`], connectTimeoutMs: 5_000, ...opts });
  try {
    await client.producer().send({ topic, messages: [{ value: Buffer.from('over tls') }] });
    const consumer = client.consumer({ fromBeginning: true, maxWaitMs: 100 });
    consumer.assign([{ topic, partition: 0 }]);
    const [batch] = await consumer.poll();
    await consumer.close();
    return batch[0].value!.toString();
  } finally {
    await client.close();
  }
}

describe('TLS on the native listener', () => {
  it('carries records for a client that trusts the broker\'s CA, and refuses one that does not', async () => {
    const broker = await startTestBroker({ tls: { cert: certs.server.cert, key: certs.server.key } });
    try {
      expect(await roundTrip(broker.port, { tls: { ca: certs.ca.cert } }, 'secure')).toBe('over tls');
      const err = await roundTrip(broker.port, { tls: true }, 'secure').catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'TLS_HANDSHAKE_FAILED' });
      expect((err as Error).message).toMatch(/certificate was not accepted.*--tls-ca/);
    } finally {
      await broker.close();
    }
  });

  it('answers a plaintext client on the TLS port with TLS_REQUIRED, and logs it', async () => {
    const { lines, logger } = recordingLogger();
    const broker = await startTestBroker({ tls: { cert: certs.server.cert, key: certs.server.key }, logger });
    try {
      const err = await roundTrip(broker.port, {}, 'plain').catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'TLS_REQUIRED' });
      expect((err as Error).message).toMatch(/--tls/);
      expect(lines.some((l) => /plaintext connection on the TLS native port/.test(String(l.msg)))).toBe(true);
    } finally {
      await broker.close();
    }
  });

  it('fails a TLS client on a plaintext port with TLS_HANDSHAKE_FAILED saying the port is not TLS, and logs it', async () => {
    const { lines, logger } = recordingLogger();
    const broker = await startTestBroker({ logger });
    try {
      const err = await roundTrip(broker.port, { tls: { ca: certs.ca.cert } }, 'plain').catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'TLS_HANDSHAKE_FAILED' });
      expect((err as Error).message).toMatch(/does not speak TLS/);
      expect(lines.some((l) => /TLS client on the plaintext native port/.test(String(l.msg)))).toBe(true);
    } finally {
      await broker.close();
    }
  });
});

describe('mutual TLS (--tls-ca on the broker)', () => {
  it('accepts a client certificate the CA signed and takes its CN as the principal', async () => {
    const { lines, logger } = recordingLogger();
    const broker = await startTestBroker({
      tls: { cert: certs.server.cert, key: certs.server.key, ca: certs.ca.cert }, logger,
    });
    try {
      const tls = { ca: certs.ca.cert, cert: certs.client.cert, key: certs.client.key };
      expect(await roundTrip(broker.port, { tls }, 'mutual')).toBe('over tls');
      expect(lines.find((l) => l.msg === 'connection opened')).toMatchObject({ tls: true, principal: 'alice' });
    } finally {
      await broker.close();
    }
  });

  it('refuses a client without a certificate, one whose certificate another CA signed, and one whose certificate expired', async () => {
    const broker = await startTestBroker({ tls: { cert: certs.server.cert, key: certs.server.key, ca: certs.ca.cert } });
    try {
      const none = await roundTrip(broker.port, { tls: { ca: certs.ca.cert } }, 'mutual').catch((e: unknown) => e);
      expect(none).toMatchObject({ code: 'TLS_HANDSHAKE_FAILED' });
      expect((none as Error).message).toMatch(/--tls-cert/);
      const foreign = await roundTrip(broker.port, { tls: { ca: certs.ca.cert, cert: certs.otherClient.cert, key: certs.otherClient.key } }, 'mutual')
        .catch((e: unknown) => e);
      expect(foreign).toMatchObject({ code: 'TLS_HANDSHAKE_FAILED' });
      await new Promise((resolve) => setTimeout(resolve, 1_100)); // past its notAfter, which is its notBefore
      const expired = await roundTrip(broker.port, { tls: { ca: certs.ca.cert, cert: certs.expiredClient.cert, key: certs.expiredClient.key } }, 'mutual')
        .catch((e: unknown) => e);
      expect(expired).toMatchObject({ code: 'TLS_HANDSHAKE_FAILED' });
      expect(await roundTrip(broker.port, { tls: { ca: certs.ca.cert, cert: certs.client.cert, key: certs.client.key } }, 'mutual')).toBeDefined();
    } finally {
      await broker.close();
    }
  });
});

describe('TLS on the HTTP listener', () => {
  it('serves /livez over HTTPS to a client that trusts the CA', async () => {
    const broker = await startTestBroker({ httpPort: 0, tls: { cert: certs.server.cert, key: certs.server.key } });
    try {
      const body = await new Promise<string>((resolve, reject) => {
        get({ host: '127.0.0.1', port: broker.httpPort, path: '/livez', ca: certs.ca.cert }, (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve(`${res.statusCode} ${text}`));
        }).on('error', reject);
      });
      expect(body).toBe('200 ok\n');
    } finally {
      await broker.close();
    }
  });
});
