import { bytes, field, int16, int64, message, string } from '../schema/schema.js';

/** SaslAuthenticate (key 36), as Kafka defines it through v2; v1 adds the session lifetime, v2 is flexible. */
export const saslAuthenticateRequest = message('SaslAuthenticateRequest', {
  validVersions: [0, 2],
  flexibleFrom: 2,
  fields: {
    authBytes: field(bytes),
  },
});

export const saslAuthenticateResponse = message('SaslAuthenticateResponse', {
  validVersions: [0, 2],
  flexibleFrom: 2,
  fields: {
    errorCode: field(int16),
    errorMessage: field(string, { nullable: [0], default: null }),
    authBytes: field(bytes),
    sessionLifetimeMs: field(int64, { versions: [1], default: 0 }),
  },
});
