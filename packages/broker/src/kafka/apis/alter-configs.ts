import type { TopicConfig } from '@klog/log-core';
import { settableKafkaTopicConfigs, topicConfigChange, topicConfigReset } from '../../services/topic-config-names.js';
import { alterResource, readResourceHead, writeAlterAnswers } from '../config-resources.js';
import type { ClassicKafkaApi } from '../kafka-api.js';

/**
 * AlterConfigs v0-1 (the same on the wire; v2 is flexible). Kafka's semantics: the settings given become the
 * topic's whole set, so every setting left out goes back to its default.
 */
export const alterConfigsApi: ClassicKafkaApi = {
  key: 33,
  name: 'AlterConfigs',
  minVersion: 0,
  maxVersion: 1,
  async handle(body, _version, ctx) {
    const resources = body.array((r) => ({ ...readResourceHead(r), configs: r.array((r) => ({ name: r.string(), value: r.nullableString() })) }));
    const validateOnly = body.bool();
    const answers = [];
    for (const res of resources) {
      answers.push(await alterResource(res.type, res.name, validateOnly, ctx, 'AlterConfigs', (_current, defaults) => {
        const changes: Partial<TopicConfig> = {};
        for (const name of settableKafkaTopicConfigs()) Object.assign(changes, topicConfigReset(name, defaults));
        for (const c of res.configs) Object.assign(changes, topicConfigChange(c.name, c.value));
        return changes;
      }));
    }
    return writeAlterAnswers(answers);
  },
};
