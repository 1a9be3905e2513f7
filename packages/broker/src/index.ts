// Public API of @klog/broker: the server (native listener, Kafka listener, group coordinator).
// Applications that only talk to a broker install @klog/client instead.
export { startBroker } from './server/start-broker.js';
export type { Broker } from './server/start-broker.js';
export type { BrokerOptions } from './server/broker-config.js';
