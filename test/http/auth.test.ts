// Authentication and ACLs on the HTTP listener: once the broker has users, the API needs a login (the console's
// session cookie, or Basic over HTTPS) and answers only what the principal's ACLs allow; /livez, /readyz, the
// console's files and (unless --metrics-auth) /metrics stay open. Failed logins are logged without the
// password and slowed down per address, as on the other listeners.
import { createClient, type Acl } from '@klog/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCertificates, type TestCertificates } from '../security/certificates.js';
import { recordingLogger, type LogLine } from '../security/log-recorder.js';
import { post, removeTempDirs, request, startHttpBroker, type Answer, type HttpBroker } from './http-fixture.js';

const PASSWORD = 'correct horse battery staple';
const WRONG = 'not the password at all';

const allow = (principal: string, operation: Acl['operation'], resourceType: Acl['resourceType'], resourceName: string): Acl =>
  ({ principal, operation, resourceType, resourceName, prefix: false, allow: true });

/** admin (super user) and alice (read on orders, nothing else); topics orders and payments. */
async function withUsers(broker: HttpBroker, ca?: Buffer): Promise<void> {
  const tls = ca ? { ca } : undefined;
  const anonymous = createClient({ brokers: [`127.0.0.1:${broker.port}`], tls });
  await anonymous.admin().addUser('admin', PASSWORD);
  await anonymous.close();
  const admin = createClient({ brokers: [`127.0.0.1:${broker.port}`], tls, sasl: { mechanism: 'scram-sha-256', username: 'admin', password: PASSWORD } });
  try {
    await admin.admin().addUser('alice', PASSWORD);
    for (const t of ['orders', 'payments']) await admin.admin().createTopic(t);
    await admin.producer().send({ topic: 'orders', messages: [{ value: Buffer.from('o-1') }] });
    await admin.admin().addAcl(allow('User:alice', 'read', 'topic', 'orders'));
  } finally {
    await admin.close();
  }
}

function cookieOf(answer: Answer): string {
  const set = answer.headers['set-cookie'];
  expect(set).toBeDefined();
  return (set as string[])[0].split(';')[0];
}

const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

afterAll(removeTempDirs);

describe('the HTTP listener of a broker with users (plain HTTP)', () => {
  let broker: HttpBroker;
  let lines: LogLine[];
  beforeAll(async () => {
    const recorder = recordingLogger();
    lines = recorder.lines;
    broker = await startHttpBroker({ superUsers: ['admin'], logger: recorder.logger });
    await withUsers(broker);
  });
  afterAll(() => broker.close());

  it('refuses the API without a login (401 JSON), and keeps probes, metrics and the console files open', async () => {
    for (const path of ['/api/v1/topics', '/api/v1/overview', '/api/v1/groups', '/api/v1/topics/orders/messages', '/api/v1/events']) {
      const res = await request(broker.httpPort, path);
      expect(res.status, path).toBe(401);
      expect(res.json().error).toMatchObject({ code: 'AUTHENTICATION_REQUIRED', message: expect.stringMatching(/log in/) });
    }
    expect((await post(broker.httpPort, '/api/v1/topics/orders/messages', { value: 'x' })).status).toBe(401);
    expect((await request(broker.httpPort, '/livez')).status).toBe(200);
    expect((await request(broker.httpPort, '/readyz')).status).toBe(200);
    expect((await request(broker.httpPort, '/metrics')).status).toBe(200);
    expect((await request(broker.httpPort, '/')).status).toBe(200);
    expect((await request(broker.httpPort, '/api/v1/session')).json()).toEqual({ authenticationRequired: true, user: null, readOnly: false });
  });

  it('refuses a wrong password (401), logs the user and address but never the password, and slows down repeats', async () => {
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const started = Date.now();
      const res = await post(broker.httpPort, '/api/v1/login', { username: 'alice', password: WRONG });
      times.push(Date.now() - started);
      expect(res.status).toBe(401);
      expect(res.json().error.code).toBe('SASL_AUTHENTICATION_FAILED');
      expect(res.headers['set-cookie']).toBeUndefined();
    }
    // The throttle: nothing on the first failure, 250 ms on the second, 500 ms on the third.
    expect(times[2]).toBeGreaterThanOrEqual(450);
    const failures = lines.filter((l) => l.msg === 'http authentication failed');
    expect(failures).toHaveLength(3);
    expect(failures[2]).toMatchObject({ level: 'warn', user: 'alice', remote: '127.0.0.1', via: 'login', delayMs: 500 });
    // An unknown user fails in the same words.
    const unknown = await post(broker.httpPort, '/api/v1/login', { username: 'mallory', password: WRONG });
    expect(unknown.json().error).toEqual((await post(broker.httpPort, '/api/v1/login', { username: 'alice', password: WRONG })).json().error);
    expect(JSON.stringify(lines)).not.toContain(WRONG);
    // A success clears the count.
    expect((await post(broker.httpPort, '/api/v1/login', { username: 'alice', password: PASSWORD })).status).toBe(200);
    expect(JSON.stringify(lines)).not.toContain(PASSWORD);
  });

  it('logs in with a session cookie (HttpOnly, SameSite=Strict) and applies the ACLs: 403 with the Kafka code, listings narrowed', async () => {
    const login = await post(broker.httpPort, '/api/v1/login', { username: 'alice', password: PASSWORD });
    expect(login.status).toBe(200);
    const setCookie = (login.headers['set-cookie'] as string[])[0];
    expect(setCookie).toMatch(/^klog_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict$/);
    const cookie = { cookie: cookieOf(login) };
    expect((await request(broker.httpPort, '/api/v1/session', { headers: cookie })).json()).toMatchObject({ user: 'alice' });

    const topics = await request(broker.httpPort, '/api/v1/topics', { headers: cookie });
    expect(topics.json().topics.map((t: { name: string }) => t.name)).toEqual(['orders']);
    const browse = await request(broker.httpPort, '/api/v1/topics/orders/messages', { headers: cookie });
    expect(browse.status).toBe(200);
    expect(JSON.stringify(browse.json())).toContain('o-1');

    const payments = await request(broker.httpPort, '/api/v1/topics/payments', { headers: cookie });
    expect(payments.status).toBe(403);
    expect(payments.json().error).toEqual({ code: 'TOPIC_AUTHORIZATION_FAILED', message: 'User:alice is not authorized to describe topic payments' });
    const produce = await post(broker.httpPort, '/api/v1/topics/orders/messages', { value: 'from alice' }, cookie);
    expect(produce.status).toBe(403);
    expect(produce.json().error).toMatchObject({ code: 'TOPIC_AUTHORIZATION_FAILED', message: expect.stringMatching(/User:alice .* write topic orders/) });
    const overview = await request(broker.httpPort, '/api/v1/overview', { headers: cookie });
    expect(overview.json().error.code).toBe('CLUSTER_AUTHORIZATION_FAILED');
    const reset = await post(broker.httpPort, '/api/v1/groups/billing/reset-offsets', { topic: 'orders', to: 'earliest' }, cookie);
    expect(reset.json().error).toMatchObject({ code: 'GROUP_AUTHORIZATION_FAILED', message: expect.stringMatching(/read group billing/) });
    expect((await request(broker.httpPort, '/api/v1/queues/q/redrive', { method: 'GET', headers: cookie })).status).toBe(404);
    expect((await request(broker.httpPort, '/api/v1/queues', { headers: cookie })).json()).toEqual({ queues: [] });
  });

  it('lets a super user do everything, and logout ends the session', async () => {
    const cookie = { cookie: cookieOf(await post(broker.httpPort, '/api/v1/login', { username: 'admin', password: PASSWORD })) };
    const topics = await request(broker.httpPort, '/api/v1/topics', { headers: cookie });
    expect(topics.json().topics.filter((t: { internal: boolean }) => !t.internal).map((t: { name: string }) => t.name).sort()).toEqual(['orders', 'payments']);
    expect((await post(broker.httpPort, '/api/v1/topics/payments/messages', { value: 'p-1' }, cookie)).status).toBe(200);
    expect((await request(broker.httpPort, '/api/v1/overview', { headers: cookie })).status).toBe(200);

    const out = await post(broker.httpPort, '/api/v1/logout', {}, cookie);
    expect(out.status).toBe(200);
    expect((out.headers['set-cookie'] as string[])[0]).toMatch(/^klog_session=; .*Max-Age=0/);
    const after = await request(broker.httpPort, '/api/v1/topics', { headers: cookie });
    expect(after.status).toBe(401);
    expect(after.json().error.code).toBe('AUTHENTICATION_REQUIRED');
  });

  it('refuses a forged or unknown session token, and logins without the console header (CSRF)', async () => {
    expect((await request(broker.httpPort, '/api/v1/topics', { headers: { cookie: 'klog_session=AAAA' } })).status).toBe(401);
    const noHeader = await request(broker.httpPort, '/api/v1/login', {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: PASSWORD }),
    });
    expect(noHeader.status).toBe(403);
  });

  it('refuses Basic credentials over plain HTTP', async () => {
    const res = await request(broker.httpPort, '/api/v1/topics', { headers: { authorization: basic('admin', PASSWORD) } });
    expect(res.status).toBe(401);
    expect(res.json().error.message).toMatch(/Basic needs HTTPS/);
  });
});

describe('the HTTPS listener of a broker with users', () => {
  let certs: TestCertificates;
  let broker: HttpBroker;
  beforeAll(async () => {
    certs = makeCertificates();
    broker = await startHttpBroker({ superUsers: ['admin'], metricsAuth: true, tls: { cert: certs.server.cert, key: certs.server.key } });
    await withUsers(broker, certs.ca.cert);
  });
  afterAll(async () => {
    await broker.close();
    certs.remove();
  });

  it('accepts Basic for scripts, with the same ACLs, and marks the session cookie Secure', async () => {
    const ca = certs.ca.cert;
    const admin = await request(broker.httpPort, '/api/v1/topics', { headers: { authorization: basic('admin', PASSWORD) }, ca });
    expect(admin.status).toBe(200);
    expect(admin.json().topics.filter((t: { internal: boolean }) => !t.internal)).toHaveLength(2);
    const alice = await request(broker.httpPort, '/api/v1/topics', { headers: { authorization: basic('alice', PASSWORD) }, ca });
    expect(alice.json().topics.map((t: { name: string }) => t.name)).toEqual(['orders']);
    const wrong = await request(broker.httpPort, '/api/v1/topics', { headers: { authorization: basic('alice', WRONG) }, ca });
    expect(wrong.status).toBe(401);
    const login = await post(broker.httpPort, '/api/v1/login', { username: 'alice', password: PASSWORD }, {}, ca);
    expect((login.headers['set-cookie'] as string[])[0]).toMatch(/; HttpOnly; SameSite=Strict; Secure$/);
  });

  it('with --metrics-auth, /metrics needs a user who may describe the cluster; probes stay open', async () => {
    const ca = certs.ca.cert;
    expect((await request(broker.httpPort, '/metrics', { ca })).status).toBe(401);
    const alice = await request(broker.httpPort, '/metrics', { headers: { authorization: basic('alice', PASSWORD) }, ca });
    expect(alice.status).toBe(403);
    expect(alice.json().error).toMatchObject({ code: 'CLUSTER_AUTHORIZATION_FAILED', message: expect.stringMatching(/User:alice .* describe cluster/) });
    const admin = await request(broker.httpPort, '/metrics', { headers: { authorization: basic('admin', PASSWORD) }, ca });
    expect(admin.status).toBe(200);
    expect(admin.text).toMatch(/^# HELP /m);
    expect((await request(broker.httpPort, '/livez', { ca })).status).toBe(200);
  });
});

describe('the HTTP listener of a broker without users', () => {
  it('asks for no login: the API answers as before', async () => {
    const broker = await startHttpBroker({ metricsAuth: true });
    try {
      expect((await request(broker.httpPort, '/api/v1/session')).json()).toEqual({ authenticationRequired: false, user: null, readOnly: false });
      expect((await request(broker.httpPort, '/api/v1/topics')).status).toBe(200);
      expect((await request(broker.httpPort, '/metrics')).status).toBe(200);
      const login = await post(broker.httpPort, '/api/v1/login', { username: 'a', password: 'b' });
      expect(login.status).toBe(400);
    } finally {
      await broker.close();
    }
  });
});
