import { KlogError, type TopicConfig } from '@klog/log-core';
import { topicConfigChange, topicConfigReset } from '../../services/topic-config-names.js';
import { alterResource } from '../config-resources.js';
import { defineKafkaApi } from '../kafka-api.js';
import { incrementalAlterConfigsRequest, incrementalAlterConfigsResponse } from '../messages/incremental-alter-configs.js';

/** config_operation on the wire. APPEND (2) and SUBTRACT (3) edit list settings, and klog has none that can take them. */
const Op = { SET: 0, DELETE: 1 } as const;

/**
 * IncrementalAlterConfigs v0-v1 (v1 flexible): SET a setting, or DELETE it (back to its default); the settings
 * not named keep their values. An unknown setting, a bad value or another operation is INVALID_CONFIG for its
 * resource, and nothing of that resource changes.
 */
export const incrementalAlterConfigsApi = defineKafkaApi({
  key: 44,
  name: 'IncrementalAlterConfigs',
  minVersion: 0,
  maxVersion: 1,
  request: incrementalAlterConfigsRequest,
  response: incrementalAlterConfigsResponse,
  async handle(request, _version, ctx) {
    const responses = [];
    for (const res of request.resources) {
      responses.push(await alterResource(res.resourceType, res.resourceName, request.validateOnly, ctx, 'IncrementalAlterConfigs', (_current, defaults) => {
        const changes: Partial<TopicConfig> = {};
        for (const c of res.configs) {
          if (c.configOperation === Op.SET) Object.assign(changes, topicConfigChange(c.name, c.value));
          else if (c.configOperation === Op.DELETE) Object.assign(changes, topicConfigReset(c.name, defaults));
          else throw new KlogError('INVALID_CONFIG', `operation ${c.configOperation} on ${c.name}: only SET (0) and DELETE (1) apply to klog's settings`);
        }
        return changes;
      }));
    }
    return { throttleTimeMs: 0, responses };
  },
  errorResponse: (request, _version, errorCode) => ({
    throttleTimeMs: 0,
    responses: request.resources.map((r) => ({ errorCode, errorMessage: null, resourceType: r.resourceType, resourceName: r.resourceName })),
  }),
});
