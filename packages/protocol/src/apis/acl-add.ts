import { defineApi } from '../api-definition.js';
import { boolean } from '../schema.js';
import { aclField } from './acl-fields.js';

export const aclAdd = defineApi({
  name: 'aclAdd',
  summary: 'Adds an ACL (needs alter on the cluster when authorization is on); adding one that exists changes nothing.',
  minVersion: 0,
  maxVersion: 0,
  request: { acl: aclField() },
  response: { created: boolean() },
});
