import { KafkaWriter } from '../codec/writer.js';
import { KafkaError } from '../error-codes.js';
import { NODE_ID, type ClassicKafkaApi } from '../kafka-api.js';

/** FindCoordinator v0: every group's coordinator is this broker. */
export const findCoordinatorApi: ClassicKafkaApi = {
  key: 10,
  name: 'FindCoordinator',
  minVersion: 0,
  maxVersion: 0,
  async handle(body, _version, ctx) {
    body.string(); // the group id
    return new KafkaWriter().int16(KafkaError.NONE).int32(NODE_ID).string(ctx.advertised.host).int32(ctx.advertised.port);
  },
};
