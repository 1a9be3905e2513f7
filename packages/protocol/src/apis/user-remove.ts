import { defineApi } from '../api-definition.js';
import { userName } from './user-fields.js';

export const userRemove = defineApi({
  name: 'userRemove',
  summary: 'Removes a user; connections it already authenticated stay open until they close.',
  minVersion: 0,
  maxVersion: 0,
  request: { user: userName() },
  response: {},
});
