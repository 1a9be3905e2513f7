// Public API of @klog/broker: the server (native listener, Kafka listener, group coordinator).
// Applications that only talk to a broker install @klog/client instead.
export { startBroker } from './server/start-broker.js';
export type { Broker } from './server/start-broker.js';
export type { BrokerOptions } from './server/broker-config.js';
export type { BrokerTlsOptions } from './tls/listener-tls.js';
export { UserStore, USERS_FILE } from './security/user-store.js';
export type { UserListing } from './security/user-store.js';
