import { randomBytes } from 'node:crypto';
import { AclAuthorizer, type AuthorizerOptions } from './acl-authorizer.js';
import { AclStore } from './acl-store.js';
import { AuthThrottle } from './auth-throttle.js';
import { ConnectionAuth } from './connection-auth.js';
import { UserStore } from './user-store.js';

/**
 * The broker-wide side of security: its users, the throttle on failures, the secret for unknown users' salts,
 * and the ACLs with the authorizer that reads them (on once there are users).
 */
export class BrokerSecurity {
  readonly throttle = new AuthThrottle();
  private readonly fakeSaltSecret = randomBytes(32);
  readonly authorizer: AclAuthorizer;

  constructor(readonly users: UserStore, acls: AclStore = AclStore.inMemory(), opts: AuthorizerOptions = {}) {
    this.authorizer = new AclAuthorizer(acls, () => users.size > 0, opts);
  }

  /** Nothing to authenticate against: no users (tests of handlers). */
  static open(): BrokerSecurity {
    return new BrokerSecurity(UserStore.inMemory());
  }

  connectionAuth(certificatePrincipal: string | null): ConnectionAuth {
    return new ConnectionAuth(this.users, this.fakeSaltSecret, certificatePrincipal);
  }
}
