/** What a handler knows of the connection its request came on. */
export interface RequestContext {
  /** Aborted when the connection closes (ends long-polls early). */
  closed: AbortSignal;
  remoteHost: string;
  /** The peer's identity (client-certificate CN, or authenticated user), null when anonymous: for access control. */
  principal: string | null;
  /**
   * For requests whose answers can be large: waits until this many bytes of answer fit in the connection's
   * buffer limit and resolves with the bytes granted (possibly fewer); the answer should stay within them.
   */
  reserveAnswerBytes(bytes: number): Promise<number>;
}
