import type { Logger } from 'pino';
import { KafkaWriter } from '../codec/writer.js';
import { KafkaError, reportedErrorCode } from '../error-codes.js';

/** One topic's answer in CreateTopics and CreatePartitions: its name, a Kafka error code and a message. */
export interface TopicAnswer {
  name: string;
  errorCode: number;
  message: string | null;
}

/** A refusal that has a Kafka error code but no klog one (replication, assignments, a count that does not grow). */
export class Refusal extends Error {
  constructor(readonly errorCode: number, message: string) {
    super(message);
  }
}

export function topicDone(name: string): TopicAnswer {
  return { name, errorCode: KafkaError.NONE, message: null };
}

/** The answer for a topic whose change failed: a Refusal's own code, else the error table's (logged if unexpected). */
export function topicFailed(name: string, err: unknown, logger: Logger, api: string): TopicAnswer {
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof Refusal) return { name, errorCode: err.errorCode, message };
  return { name, errorCode: reportedErrorCode(err, logger, { api, topic: name }), message };
}

/** Both APIs answer the same shape at the versions served: throttle time, then each topic's outcome. */
export function writeTopicAnswers(answers: TopicAnswer[]): KafkaWriter {
  return new KafkaWriter().int32(0).array(answers, (w, a) => w.string(a.name).int16(a.errorCode).nullableString(a.message));
}
