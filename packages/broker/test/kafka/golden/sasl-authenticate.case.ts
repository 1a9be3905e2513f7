import { pino } from 'pino';
import { saslAuthenticateApi } from '../../../src/kafka/apis/sasl-authenticate.js';
import { KafkaSaslSession } from '../../../src/kafka/kafka-sasl.js';
import { goldenCase } from './golden-case.js';

// Per version: a connection that chose PLAIN with SaslHandshake v1 logs in as a known user (PLAIN's answer has no
// random part, SCRAM's has a nonce); success is an empty token, and v1+ say the session never expires (0).
export default goldenCase({
  api: saslAuthenticateApi,
  saslSession(security) {
    if (security.users.credential('golden', 'SCRAM-SHA-256') === undefined) security.users.putPassword('golden', 'golden-password', { iterations: 4096 });
    const session = new KafkaSaslSession(security, { plainAllowed: true, remoteHost: '127.0.0.1', certificatePrincipal: null, log: pino({ level: 'silent' }) });
    session.handshake('PLAIN', 1);
    return session;
  },
  request: () => ({ authBytes: Buffer.from('\u0000golden\u0000golden-password') }),
});
