// SCRAM on the native listener, through @klog/client: once the broker has users every request but apiVersions
// and the SASL ones needs authentication; both mechanisms work; a wrong password and an unknown user fail alike,
// are logged with user, address and mechanism (never a secret) and slowed down; users are managed over the wire
// with credentials the client computes, kept across restarts in users.json.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createClient, type ClientOptions } from '@klog/client';
import { API_VERSIONS } from '@klog/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs, startTestBroker, tempDir } from '../broker/fixture.js';
import { recordingLogger } from './log-recorder.js';

afterAll(removeTempDirs);

const PASSWORD = 'correct horse battery staple';

function clientOf(port: number, opts: Partial<ClientOptions> = {}) {
  return createClient({ brokers: [`127.0.0.1:${port}`], ...opts });
}

async function attempt(port: number, opts: Partial<ClientOptions>): Promise<unknown> {
  const client = clientOf(port, opts);
  try {
    return await client.admin().listTopics();
  } catch (err) {
    return err;
  } finally {
    await client.close();
  }
}

describe('SCRAM on the native listener', () => {
  it('lets the first user be added anonymously, then requires authentication, with either mechanism', async () => {
    const dataDir = tempDir();
    const broker = await startTestBroker({ dataDir, superUsers: ['alice'] }); // ACLs are acl-native.test.ts's
    try {
      const anonymous = clientOf(broker.port);
      expect(await anonymous.admin().addUser('alice', PASSWORD)).toBe(true);
      await expect(anonymous.admin().listTopics()).rejects.toMatchObject({ code: 'AUTHENTICATION_REQUIRED', message: expect.stringMatching(/--user/) });
      await anonymous.close();

      for (const mechanism of ['scram-sha-256', 'SCRAM-SHA-512']) {
        const alice = clientOf(broker.port, { sasl: { mechanism, username: 'alice', password: PASSWORD } });
        await alice.producer().send({ topic: 'audited', messages: [{ value: Buffer.from(mechanism) }] });
        expect(await alice.admin().listUsers()).toEqual([{ user: 'alice', mechanisms: ['SCRAM-SHA-256', 'SCRAM-SHA-512'] }]);
        await alice.close();
      }
    } finally {
      await broker.close();
    }
    // Credentials only, readable by the owner only; and the users are there after a restart.
    const file = readFileSync(join(dataDir, 'users.json'), 'utf8');
    expect(file).not.toContain(PASSWORD);
    expect(JSON.parse(file).users.alice['SCRAM-SHA-256']).toEqual({
      salt: expect.any(String), iterations: expect.any(Number), storedKey: expect.any(String), serverKey: expect.any(String),
    });
    expect(statSync(join(dataDir, 'users.json')).mode & 0o777).toBe(0o600);
    const again = await startTestBroker({ dataDir, superUsers: ['alice'] });
    try {
      expect(await attempt(again.port, {})).toMatchObject({ code: 'AUTHENTICATION_REQUIRED' });
      expect(await attempt(again.port, { sasl: { mechanism: 'scram-sha-256', username: 'alice', password: PASSWORD } })).toContain('audited');
    } finally {
      await again.close();
    }
  });

  it('fails a wrong password and an unknown user alike, logs them without secrets, and slows repeated failures', async () => {
    const { logger, lines } = recordingLogger();
    const broker = await startTestBroker({ logger });
    try {
      const admin = clientOf(broker.port);
      await admin.admin().addUser('alice', PASSWORD);
      await admin.close();
      const wrong = await attempt(broker.port, { sasl: { mechanism: 'scram-sha-256', username: 'alice', password: 'guess' } });
      const unknown = await attempt(broker.port, { sasl: { mechanism: 'scram-sha-256', username: 'mallory', password: 'guess' } });
      expect(wrong).toMatchObject({ code: 'SASL_AUTHENTICATION_FAILED', message: expect.stringMatching(/refused alice.*unknown user or wrong password/) });
      expect(unknown).toMatchObject({ code: 'SASL_AUTHENTICATION_FAILED', message: expect.stringMatching(/refused mallory.*unknown user or wrong password/) });
      await attempt(broker.port, { sasl: { mechanism: 'scram-sha-512', username: 'alice', password: 'guess again' } });

      const failures = lines.filter((l) => l.msg === 'authentication failed');
      expect(failures.map((l) => [l.principal, l.remote, l.mechanism])).toEqual([
        ['alice', '127.0.0.1', 'SCRAM-SHA-256'], ['mallory', '127.0.0.1', 'SCRAM-SHA-256'], ['alice', '127.0.0.1', 'SCRAM-SHA-512'],
      ]);
      expect(failures.map((l) => l.delayMs)).toEqual([0, 250, 500]);
      const logged = JSON.stringify(lines);
      for (const secret of [PASSWORD, 'guess', 'p=']) expect(logged).not.toContain(secret);

      // A success clears the address's count.
      expect(await attempt(broker.port, { sasl: { mechanism: 'scram-sha-256', username: 'alice', password: PASSWORD } })).toEqual([]);
      expect(lines.some((l) => l.msg === 'client authenticated' && l.principal === 'alice')).toBe(true);
    } finally {
      await broker.close();
    }
  });

  it('manages users over the wire once authenticated, and refuses anonymous changes', async () => {
    const broker = await startTestBroker({ superUsers: ['admin'] });
    try {
      const bootstrap = clientOf(broker.port);
      await bootstrap.admin().addUser('admin', PASSWORD);
      await expect(bootstrap.admin().addUser('eve', 'x')).rejects.toMatchObject({ code: 'AUTHENTICATION_REQUIRED' });
      await bootstrap.close();
      const admin = clientOf(broker.port, { sasl: { mechanism: 'scram-sha-256', username: 'admin', password: PASSWORD } });
      expect(await admin.admin().addUser('bob', 'pw-bob')).toBe(true);
      expect(await admin.admin().addUser('bob', 'pw-bob-2')).toBe(false);
      expect((await admin.admin().listUsers()).map((u) => u.user)).toEqual(['admin', 'bob']);
      expect(await attempt(broker.port, { sasl: { mechanism: 'scram-sha-256', username: 'bob', password: 'pw-bob-2' } })).toEqual([]);
      await admin.admin().removeUser('bob');
      await expect(admin.admin().removeUser('bob')).rejects.toMatchObject({ code: 'UNKNOWN_USER' });
      expect(await attempt(broker.port, { sasl: { mechanism: 'scram-sha-256', username: 'bob', password: 'pw-bob-2' } }))
        .toMatchObject({ code: 'SASL_AUTHENTICATION_FAILED' });
      await admin.close();
    } finally {
      await broker.close();
    }
  });

  it('tells a client configured for SASL that a broker without it cannot authenticate it', async () => {
    const { saslHandshake: _h, saslAuthenticate: _a, ...older } = API_VERSIONS;
    const broker = await startTestBroker({ apiVersions: older });
    try {
      expect(await attempt(broker.port, { sasl: { mechanism: 'scram-sha-256', username: 'alice', password: 'x' } }))
        .toMatchObject({ code: 'UNSUPPORTED_VERSION', message: expect.stringMatching(/saslHandshake/) });
      expect(await attempt(broker.port, {})).toEqual([]);
    } finally {
      await broker.close();
    }
  });
});
