import { defineApi } from '../api-definition.js';
import { array, boolean } from '../schema.js';
import { scramCredentialField, userName } from './user-fields.js';

export const userAdd = defineApi({
  name: 'userAdd',
  summary: 'Adds a user, or replaces its credentials: one SCRAM credential per mechanism, computed by the client (never the password).',
  minVersion: 0,
  maxVersion: 0,
  request: { user: userName(), credentials: array(scramCredentialField(), { max: 2 }) },
  response: { created: boolean() },
});
