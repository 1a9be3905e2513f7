/**
 * @klog/broker, loaded on use rather than imported statically: the peers and the embedded store can still be
 * measured on a tree where the broker package does not build (it lands separately). Types are the broker's own.
 */
export type BrokerModule = typeof import('@klog/broker');

/** The broker module if it is built and exports what the bench needs, else null. */
export async function loadBroker(): Promise<BrokerModule | null> {
  try {
    const mod: Partial<BrokerModule> = await import('@klog/broker');
    return typeof mod.startBroker === 'function' && typeof mod.createClient === 'function' ? (mod as BrokerModule) : null;
  } catch {
    return null;
  }
}
