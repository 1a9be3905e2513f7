import { defineKafkaApi } from '../kafka-api.js';
import { saslHandshakeRequest, saslHandshakeResponse } from '../messages/sasl-handshake.js';

/**
 * SaslHandshake v0-v1: the client names its mechanism; the answer lists the enabled ones. After v0 the tokens
 * travel as bare frames (kafka-python 2.0.2), after v1 inside SaslAuthenticate; the connection's SASL session
 * (kafka-sasl.ts) keeps which. An unsupported mechanism or a second handshake is answered, then the connection
 * is closed, as Kafka does.
 */
export const saslHandshakeApi = defineKafkaApi({
  key: 17,
  name: 'SaslHandshake',
  minVersion: 0,
  maxVersion: 1,
  request: saslHandshakeRequest,
  response: saslHandshakeResponse,
  async handle(request, version, ctx) {
    return ctx.sasl.handshake(request.mechanism, version);
  },
  errorResponse: (_request, _version, errorCode) => ({ errorCode, mechanisms: [] }),
});
