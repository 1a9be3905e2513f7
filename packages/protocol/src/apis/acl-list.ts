import { defineApi } from '../api-definition.js';
import { array } from '../schema.js';
import { aclField } from './acl-fields.js';

export const aclList = defineApi({
  name: 'aclList',
  summary: 'The ACLs of the broker (needs describe on the cluster when authorization is on).',
  minVersion: 0,
  maxVersion: 0,
  request: {},
  response: { acls: array(aclField()) },
});
