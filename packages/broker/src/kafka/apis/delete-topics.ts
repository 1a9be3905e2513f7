import { deleteTopic } from '../../services/topic-admin.js';
import { KafkaError } from '../error-codes.js';
import { defineKafkaApi, type KafkaRequestContext } from '../kafka-api.js';
import { deleteTopicsRequest, deleteTopicsResponse } from '../messages/delete-topics.js';
import type { Infer } from '../schema/schema.js';
import { refusalOf } from './topic-answers.js';

type DeleteTopicsRequest = Infer<typeof deleteTopicsRequest>;
type TopicResult = Infer<typeof deleteTopicsResponse>['responses'][number];

const NO_ID = Buffer.alloc(16);

/**
 * DeleteTopics v0-v6 (v1 throttle, v4+ flexible, v5 error_message, v6 each topic by name or by id). A topic goes
 * with its committed offsets, as the native deleteTopics does (services/topic-admin.ts); an unknown name is
 * UNKNOWN_TOPIC_OR_PARTITION, an unknown id UNKNOWN_TOPIC_ID. Deletion is done before the answer, so timeout_ms
 * is not needed.
 */
export const deleteTopicsApi = defineKafkaApi({
  key: 20,
  name: 'DeleteTopics',
  minVersion: 0,
  maxVersion: 6,
  request: deleteTopicsRequest,
  response: deleteTopicsResponse,
  async handle(request, version, ctx) {
    const responses: TopicResult[] = [];
    for (const t of named(request, version)) {
      if (t.name === null) {
        const name = ctx.broker.store.topicNameById(t.topicId);
        responses.push(name === undefined
          ? { name: null, topicId: t.topicId, errorCode: KafkaError.UNKNOWN_TOPIC_ID, errorMessage: `no topic has the id ${t.topicId.toString('base64url')}` }
          : await deleteOne(name, t.topicId, ctx));
      } else {
        responses.push(await deleteOne(t.name, ctx.broker.store.hasTopic(t.name) ? ctx.broker.store.topicId(t.name) : NO_ID, ctx));
      }
    }
    ctx.broker.topicsChanged();
    return { throttleTimeMs: 0, responses };
  },
  errorResponse: (request, version, errorCode) => ({
    throttleTimeMs: 0,
    responses: named(request, version).map((t) => ({ name: t.name, topicId: t.topicId, errorCode, errorMessage: null })),
  }),
});

/** The topics of a request: by name before v6; from v6 by id when the id is set (Kafka's rule), else by name. */
function named(request: DeleteTopicsRequest, version: number): { name: string | null; topicId: Buffer }[] {
  if (version < 6) return request.topicNames.map((name) => ({ name, topicId: NO_ID }));
  return request.topics.map((t) => (t.topicId.equals(NO_ID) ? { name: t.name ?? '', topicId: NO_ID } : { name: null, topicId: t.topicId }));
}

async function deleteOne(name: string, topicId: Buffer, ctx: KafkaRequestContext): Promise<TopicResult> {
  try {
    await deleteTopic(ctx.broker, name, 'kafka');
    return { name, topicId, errorCode: KafkaError.NONE, errorMessage: null };
  } catch (err) {
    const { errorCode, message } = refusalOf(err, ctx.broker.logger, 'DeleteTopics', name);
    return { name, topicId, errorCode, errorMessage: message };
  }
}
