import { defineApi } from '../api-definition.js';
import { array, int, object, string } from '../schema.js';

export const apiVersions = defineApi({
  name: 'apiVersions',
  summary: 'The APIs and version ranges the broker speaks; the client sends it first on every connection.',
  minVersion: 0,
  maxVersion: 0,
  request: {},
  response: {
    protocol: string(),
    apis: array(object({ api: string(), minVersion: int({ min: 0 }), maxVersion: int({ min: 0 }) })),
  },
});
