/**
 * Where producer ids come from, for both listeners (the native initProducerId and Kafka's InitProducerId): one
 * allocator per broker, so an id is never handed out twice, whichever protocol asked (see ProducerIdAllocator in
 * src/server, which persists a reserved block before giving out any id of it).
 */
export interface ProducerIdSource {
  /** A producer id never handed out before, not even before a restart. */
  allocate(): number;
}
