// Public API of @klog/client: a client for a klog broker. It brings no server, coordinator or logger with it.
export { createClient, Client } from './client.js';
export type { ClientOptions } from './client.js';
export { Producer } from './producer.js';
export type { ProducerOptions, ProducerMessage, RecordMetadata, AcksSetting } from './producer.js';
export { Consumer } from './consumer.js';
export type { ConsumerOptions, ConsumedMessage, MessageHeader, Assignment } from './consumer.js';
export { GroupConsumer } from './group-consumer.js';
export type { GroupConsumerOptions, SubscribeOptions, RunOptions, EachMessagePayload, HandlerRetryOptions } from './group-consumer.js';
export { Admin } from './admin.js';
export type { TopicSettings, TopicMetadata, GroupListing, GroupInfo } from './admin.js';
export type { Serializer, Deserializer } from './serializers.js';
export { isRetriable, errorInfo, errorInfoOf, EARLIEST_TIMESTAMP, LATEST_TIMESTAMP } from '@klog/protocol';
export type { ErrorCode, ErrorInfo } from '@klog/protocol';
export { KlogError, isKlogError } from '@klog/log-core';
export type { Logger } from '@klog/log-core';
