import type { ConnectionAuth } from '../security/connection-auth.js';

/** What a handler knows of the connection its request came on. */
export interface RequestContext {
  /** Aborted when the connection closes (ends long-polls early). */
  closed: AbortSignal;
  remoteHost: string;
  /** Who the peer is (auth.principal: its authenticated user, else its client certificate's CN) and its SASL state. */
  auth: ConnectionAuth;
  /**
   * For requests whose answers can be large: waits until this many bytes of answer fit in the connection's
   * buffer limit and resolves with the bytes granted (possibly fewer); the answer should stay within them.
   */
  reserveAnswerBytes(bytes: number): Promise<number>;
}
