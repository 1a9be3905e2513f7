import { defineApi } from '../api-definition.js';
import { array, string } from '../schema.js';

export const saslHandshake = defineApi({
  name: 'saslHandshake',
  summary: 'Chooses the SASL mechanism (SCRAM-SHA-256 or SCRAM-SHA-512) for the authentication that follows; answers the ones the broker has.',
  minVersion: 0,
  maxVersion: 0,
  request: { mechanism: string() },
  response: { mechanisms: array(string()) },
});
