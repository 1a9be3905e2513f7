import { defineApi } from '../api-definition.js';
import { array, object, string } from '../schema.js';
import { userName } from './user-fields.js';

export const userList = defineApi({
  name: 'userList',
  summary: 'The users of the broker and the SCRAM mechanisms each has a credential for.',
  minVersion: 0,
  maxVersion: 0,
  request: {},
  response: { users: array(object({ user: userName(), mechanisms: array(string()) })) },
});
