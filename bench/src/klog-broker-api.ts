/**
 * @klog/broker and @klog/client, loaded on use rather than imported statically, so that the peers and the
 * embedded store can still be measured on a tree where those packages are not built.
 */
export type BrokerModule = typeof import('@klog/broker') & Pick<typeof import('@klog/client'), 'createClient'>;

/** The broker and client modules if they are built and export what the bench needs, else null. */
export async function loadBroker(): Promise<BrokerModule | null> {
  try {
    const [server, client] = await Promise.all([import('@klog/broker'), import('@klog/client')]);
    if (typeof server.startBroker !== 'function' || typeof client.createClient !== 'function') return null;
    return { ...server, createClient: client.createClient };
  } catch {
    return null;
  }
}
