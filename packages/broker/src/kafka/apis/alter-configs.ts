import type { TopicConfig } from '@klog/log-core';
import { settableKafkaTopicConfigs, topicConfigChange, topicConfigReset } from '../../services/topic-config-names.js';
import { alterResource } from '../config-resources.js';
import { defineKafkaApi } from '../kafka-api.js';
import { alterConfigsRequest, alterConfigsResponse } from '../messages/alter-configs.js';

/**
 * AlterConfigs v0-v2 (v2 flexible). Kafka's semantics: the settings given become the topic's whole set, so every
 * setting left out goes back to its default. An unknown setting or a bad value is INVALID_CONFIG for its resource;
 * validate_only checks without changing anything. Broker resources cannot change (INVALID_REQUEST).
 */
export const alterConfigsApi = defineKafkaApi({
  key: 33,
  name: 'AlterConfigs',
  minVersion: 0,
  maxVersion: 2,
  request: alterConfigsRequest,
  response: alterConfigsResponse,
  async handle(request, _version, ctx) {
    const responses = [];
    for (const res of request.resources) {
      responses.push(await alterResource(res.resourceType, res.resourceName, request.validateOnly, ctx, 'AlterConfigs', (_current, defaults) => {
        const changes: Partial<TopicConfig> = {};
        for (const name of settableKafkaTopicConfigs()) Object.assign(changes, topicConfigReset(name, defaults));
        for (const c of res.configs) Object.assign(changes, topicConfigChange(c.name, c.value));
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
