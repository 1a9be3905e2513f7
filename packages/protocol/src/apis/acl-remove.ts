import { defineApi } from '../api-definition.js';
import { aclField } from './acl-fields.js';

export const aclRemove = defineApi({
  name: 'aclRemove',
  summary: 'Removes one ACL, given exactly as it was added (needs alter on the cluster when authorization is on).',
  minVersion: 0,
  maxVersion: 0,
  request: { acl: aclField() },
  response: {},
});
