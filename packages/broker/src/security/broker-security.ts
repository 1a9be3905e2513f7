import { randomBytes } from 'node:crypto';
import { AuthThrottle } from './auth-throttle.js';
import { ConnectionAuth } from './connection-auth.js';
import { UserStore } from './user-store.js';

/** The broker-wide side of authentication: its users, the throttle on failures, and the secret for unknown users' salts. */
export class BrokerSecurity {
  readonly throttle = new AuthThrottle();
  private readonly fakeSaltSecret = randomBytes(32);

  constructor(readonly users: UserStore) {}

  /** Nothing to authenticate against: no users (tests of handlers). */
  static open(): BrokerSecurity {
    return new BrokerSecurity(UserStore.inMemory());
  }

  connectionAuth(certificatePrincipal: string | null): ConnectionAuth {
    return new ConnectionAuth(this.users, this.fakeSaltSecret, certificatePrincipal);
  }
}
