// The Kafka connection's SASL session on its own: who the principal is (nobody, the client certificate's CN, the
// user once logged in), when authentication is required, and PLAIN's rules on the authorization id.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { KafkaError } from '../../src/kafka/error-codes.js';
import { KafkaSaslSession } from '../../src/kafka/kafka-sasl.js';
import { BrokerSecurity } from '../../src/security/broker-security.js';
import { UserStore } from '../../src/security/user-store.js';

const never = new AbortController().signal;

function session(opts: { users?: boolean; cn?: string | null; plain?: boolean } = {}): KafkaSaslSession {
  const store = UserStore.inMemory();
  if (opts.users !== false) store.putPassword('alice', 'alice-password', { iterations: 4096 });
  return new KafkaSaslSession(new BrokerSecurity(store), {
    plainAllowed: opts.plain ?? true, remoteHost: '127.0.0.1', certificatePrincipal: opts.cn ?? null, log: pino({ level: 'silent' }),
  });
}

describe('KafkaSaslSession', () => {
  it('needs no login on a broker without users, and its principal is then the certificate CN or nobody', () => {
    expect(session({ users: false }).authenticationRequired).toBe(false);
    expect(session({ users: false }).principal).toBeNull();
    expect(session({ users: false, cn: 'client.example' }).principal).toBe('client.example');
  });

  it('makes the user the principal once PLAIN succeeds, over a certificate CN', async () => {
    const s = session({ cn: 'client.example' });
    expect(s.authenticationRequired).toBe(true);
    expect(s.principal).toBe('client.example');
    expect(s.handshake('PLAIN', 1).errorCode).toBe(KafkaError.NONE);
    const answer = await s.authenticate(Buffer.from('alice\u0000alice\u0000alice-password'), never);
    expect(answer).toEqual({ errorCode: KafkaError.NONE, errorMessage: null, authBytes: Buffer.alloc(0) });
    expect(s.principal).toBe('alice');
    expect(s.authenticationRequired).toBe(false);
    expect(s.handshake('PLAIN', 1).errorCode).toBe(KafkaError.ILLEGAL_SASL_STATE);
  });

  it('refuses acting as another user, a wrong password and an unknown user alike', async () => {
    for (const token of ['bob\u0000alice\u0000alice-password', '\u0000alice\u0000nope', '\u0000mallory\u0000alice-password', 'garbage']) {
      const s = session();
      s.handshake('PLAIN', 1);
      const answer = await s.authenticate(Buffer.from(token), never);
      expect(answer.errorCode, token).toBe(KafkaError.SASL_AUTHENTICATION_FAILED);
      expect(s.principal).toBeNull();
      expect(s.closeReason).not.toBeNull();
    }
  });

  it('does not offer PLAIN where it is not allowed, and names the mechanisms it has', () => {
    const s = session({ plain: false });
    expect(s.handshake('PLAIN', 1)).toEqual({ errorCode: KafkaError.UNSUPPORTED_SASL_MECHANISM, mechanisms: ['SCRAM-SHA-256', 'SCRAM-SHA-512'] });
    expect(s.closeReason).toMatch(/allow-plain-without-tls/);
  });
});
