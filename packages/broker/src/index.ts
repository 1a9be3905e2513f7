// Public API of @klog/broker: the server, and the client that speaks its protocol.
export { startBroker } from './server/start-broker.js';
export type { Broker } from './server/start-broker.js';
export type { BrokerOptions } from './server/broker-config.js';
export { API_VERSIONS, EARLIEST_TIMESTAMP, LATEST_TIMESTAMP } from './protocol/apis.js';
export { encodeFrame, decodeBody, FrameReader } from './protocol/frame-codec.js';
export { createClient, Client } from './client/client.js';
export type { ClientOptions } from './client/client.js';
export { Producer } from './client/producer.js';
export type { ProducerOptions, ProducerMessage, RecordMetadata, AcksSetting } from './client/producer.js';
export { Consumer } from './client/consumer.js';
export type { ConsumerOptions, ConsumedMessage, Assignment } from './client/consumer.js';
export { GroupConsumer } from './client/group-consumer.js';
export type { GroupConsumerOptions, SubscribeOptions, RunOptions, EachMessagePayload } from './client/group-consumer.js';
export { Admin } from './client/admin.js';
export type { TopicSettings, TopicMetadata, GroupListing, GroupInfo } from './client/admin.js';
export type { Serializer, Deserializer } from './client/serializers.js';
export { isRetriable } from './protocol/wire-error.js';
