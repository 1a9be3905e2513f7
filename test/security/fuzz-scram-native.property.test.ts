// Random SCRAM exchanges on the native listener of a broker with users: whatever a peer sends in saslHandshake and
// saslAuthenticate (mechanisms, client-first and client-final messages, garbage bytes, steps out of order), it
// gets no data before a real login, the broker stays up and logs no internal error, and a client that logged in
// properly is served throughout. The seed is printed; KLOG_FUZZ_SEED replays it.
import { connect, type Socket } from 'node:net';
import { UserStore } from '@klog/broker';
import { createClient } from '@klog/client';
import { decodeBody, encodeFrame, FrameReader } from '@klog/protocol';
import fc from 'fast-check';
import { afterAll, expect, it } from 'vitest';
import { removeTempDirs, startTestBroker, tempDir } from '../broker/fixture.js';
import { recordingLogger } from './log-recorder.js';

afterAll(removeTempDirs);

const PASSWORD = 'correct horse battery staple';
const SEED = Number(process.env.KLOG_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const RUNS = 150;

/** One SASL step a peer may send: a handshake naming some mechanism, or an authenticate carrying some bytes. */
const step = fc.oneof(
  fc.constantFrom('SCRAM-SHA-256', 'SCRAM-SHA-512', 'PLAIN', '', 'scram-sha-256')
    .map((mechanism) => ({ api: 'saslHandshake', body: { mechanism } })),
  fc.oneof(
    // Shaped like SCRAM messages, with wrong or random parts.
    fc.tuple(fc.constantFrom('n,,n=alice,r=', 'n,,n=mallory,r=', 'y,,n=alice,r=', 'p=x,,n=alice,r=', 'c=biws,r='), fc.string({ maxLength: 40 }))
      .map(([head, tail]) => Buffer.from(head + tail)),
    fc.tuple(fc.string({ maxLength: 40 }), fc.base64String({ maxLength: 60 }))
      .map(([nonce, proof]) => Buffer.from(`c=biws,r=${nonce},p=${proof}`)),
    fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
  ).map((authBytes) => ({ api: 'saslAuthenticate', body: { authBytes } })),
);

/** Sends the steps, then a metadata request, on one connection; resolves with every answer (null: closed first). */
async function exchange(port: number, steps: { api: string; body: object }[]): Promise<(Record<string, unknown> | null)[]> {
  const socket: Socket = connect(port, '127.0.0.1');
  const reader = new FrameReader(1 << 20);
  const answers = new Map<number, Record<string, unknown>>();
  socket.on('data', (chunk: Buffer) => {
    for (const frame of reader.push(chunk)) {
      const answer = decodeBody(frame) as Record<string, unknown>;
      answers.set(answer.correlationId as number, answer);
    }
  });
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  const requests = [...steps, { api: 'metadata', body: { topics: ['secret'], allowAutoCreate: false } }];
  requests.forEach((r, i) => socket.write(encodeFrame({ api: r.api, version: 0, correlationId: i + 1, ...r.body })));
  const last = requests.length;
  await Promise.race([closed, new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      if (answers.has(last)) {
        clearInterval(timer);
        resolve();
      }
    }, 5);
  })]);
  socket.destroy();
  return requests.map((_, i) => answers.get(i + 1) ?? null);
}

it('no SCRAM exchange a peer makes up gets data; the broker stays up and a logged-in client is served', async () => {
  console.log(`native SCRAM fuzz: seed ${SEED} (replay: KLOG_FUZZ_SEED=${SEED} npx vitest run test/security/fuzz-scram-native.property.test.ts)`);
  const dataDir = tempDir();
  UserStore.open(dataDir).putPassword('alice', PASSWORD, { iterations: 4096 });
  const recorder = recordingLogger();
  const broker = await startTestBroker({ dataDir, superUsers: ['alice'], logger: recorder.logger });
  const alice = createClient({ brokers: [`127.0.0.1:${broker.port}`], sasl: { mechanism: 'scram-sha-256', username: 'alice', password: PASSWORD } });
  try {
    await alice.admin().createTopic('secret');
    let refusedMetadata = 0;
    await fc.assert(fc.asyncProperty(fc.array(step, { maxLength: 4 }), async (steps) => {
      const answers = await exchange(broker.port, steps);
      const metadata = answers.at(-1);
      // The made-up exchange never logs in (the fuzz has no password), so the metadata must be refused or unanswered.
      if (metadata !== null && metadata !== undefined) {
        expect(metadata.errorCode).toBe('AUTHENTICATION_REQUIRED');
        refusedMetadata++;
      }
      expect(await alice.admin().listTopics()).toContain('secret');
    }), { seed: SEED, numRuns: RUNS, endOnFailure: true });
    expect(refusedMetadata, 'metadata requests answered with a refusal (not vacuous)').toBeGreaterThan(RUNS / 10);
    expect(recorder.lines.filter((l) => l.level === 'error'), 'internal errors logged').toEqual([]);
  } finally {
    await alice.close();
    await broker.close();
  }
}, 120_000);
