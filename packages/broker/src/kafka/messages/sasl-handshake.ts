import { array, field, int16, message, string } from '../schema/schema.js';

/** SaslHandshake (key 17), as Kafka defines it: v0-v1, never flexible (Kafka cannot bump it: old clients mis-negotiate). */
export const saslHandshakeRequest = message('SaslHandshakeRequest', {
  validVersions: [0, 1],
  fields: {
    mechanism: field(string),
  },
});

export const saslHandshakeResponse = message('SaslHandshakeResponse', {
  validVersions: [0, 1],
  fields: {
    errorCode: field(int16),
    mechanisms: field(array(string)),
  },
});
