import { KafkaError } from '../error-codes.js';
import { defineKafkaApi } from '../kafka-api.js';
import { saslAuthenticateRequest, saslAuthenticateResponse } from '../messages/sasl-authenticate.js';

/**
 * SaslAuthenticate v0-v2: one SASL token each way (PLAIN: one round, SCRAM: two). A failure is
 * SASL_AUTHENTICATION_FAILED with its reason, after which the connection closes. The session lifetime is always
 * 0: klog does not ask clients to authenticate again on an open connection (KIP-368).
 */
export const saslAuthenticateApi = defineKafkaApi({
  key: 36,
  name: 'SaslAuthenticate',
  minVersion: 0,
  maxVersion: 2,
  request: saslAuthenticateRequest,
  response: saslAuthenticateResponse,
  async handle(request, _version, ctx) {
    return { ...(await ctx.sasl.authenticate(request.authBytes, ctx.closed)), sessionLifetimeMs: 0 };
  },
  errorResponse: (_request, _version, errorCode) => ({
    errorCode,
    errorMessage: errorCode === KafkaError.NONE ? null : 'SaslAuthenticate is not served at this version',
    authBytes: Buffer.alloc(0),
    sessionLifetimeMs: 0,
  }),
});
