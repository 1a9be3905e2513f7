import { KlogError, type TopicConfig } from '@klog/log-core';
import { topicConfigChange, topicConfigReset } from '../../services/topic-config-names.js';
import { alterResource, readResourceHead, writeAlterAnswers } from '../config-resources.js';
import type { ClassicKafkaApi } from '../kafka-api.js';

/** config_operation on the wire. APPEND and SUBTRACT edit list settings, and klog has none that can take them. */
const Op = { SET: 0, DELETE: 1 } as const;

/**
 * IncrementalAlterConfigs v0 (v1 is flexible): SET a setting, or DELETE it (back to its default); the settings
 * not named keep their values.
 */
export const incrementalAlterConfigsApi: ClassicKafkaApi = {
  key: 44,
  name: 'IncrementalAlterConfigs',
  minVersion: 0,
  maxVersion: 0,
  async handle(body, _version, ctx) {
    const resources = body.array((r) => ({
      ...readResourceHead(r),
      configs: r.array((r) => ({ name: r.string(), op: r.int8(), value: r.nullableString() })),
    }));
    const validateOnly = body.bool();
    const answers = [];
    for (const res of resources) {
      answers.push(await alterResource(res.type, res.name, validateOnly, ctx, 'IncrementalAlterConfigs', (_current, defaults) => {
        const changes: Partial<TopicConfig> = {};
        for (const c of res.configs) {
          if (c.op === Op.SET) Object.assign(changes, topicConfigChange(c.name, c.value));
          else if (c.op === Op.DELETE) Object.assign(changes, topicConfigReset(c.name, defaults));
          else throw new KlogError('INVALID_CONFIG', `operation ${c.op} on ${c.name}: only SET (0) and DELETE (1) apply to klog's settings`);
        }
        return changes;
      }));
    }
    return writeAlterAnswers(answers);
  },
};
