import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KlogError } from '@klog/log-core';
import { checkIterations, deriveScramCredentials, SCRAM_MECHANISMS, type ScramCredential, type ScramMechanism } from '@klog/protocol';
import { writeFileAtomically } from './atomic-file.js';

/** The user store's file in the data directory. */
export const USERS_FILE = 'users.json';
const FORMAT = 1;

/** One credential as the file keeps it: base64 for the binary parts. */
interface StoredCredential {
  salt: string;
  iterations: number;
  storedKey: string;
  serverKey: string;
}

interface UsersFile {
  version: number;
  users: Record<string, Partial<Record<ScramMechanism, StoredCredential>>>;
}

export interface UserListing {
  user: string;
  mechanisms: ScramMechanism[];
}

/** 1–255 characters, none of them control characters: a name that prints on one line in logs and listings. */
export function validateUserName(user: string): void {
  // eslint-disable-next-line no-control-regex
  if (user.length === 0 || user.length > 255 || /[\u0000-\u001f\u007f]/.test(user)) {
    throw new KlogError('INVALID_CONFIG', `user name ${JSON.stringify(user)} must be 1-255 characters without control characters`);
  }
}

/**
 * The broker's users: for each, one SCRAM credential per mechanism (salt, iterations, StoredKey, ServerKey —
 * never a password), in one JSON file in the data directory. Every change rewrites the whole file atomically
 * (a temporary file, flushed, renamed over the old one, the directory synced), so a crash leaves the old list or
 * the new one, never half of one. The file is readable by its owner only.
 */
export class UserStore {
  private constructor(
    private readonly dir: string | null,
    private readonly users: Map<string, Map<ScramMechanism, ScramCredential>>,
  ) {}

  /** The store of a data directory (empty when it has no users file yet). */
  static open(dir: string): UserStore {
    const path = join(dir, USERS_FILE);
    if (!existsSync(path)) return new UserStore(dir, new Map());
    let file: UsersFile;
    try {
      file = JSON.parse(readFileSync(path, 'utf8')) as UsersFile;
    } catch (err) {
      throw new KlogError('CORRUPT_DATA', `${path} is not valid JSON (${(err as Error).message}): restore it from a backup, or remove it and add the users again`);
    }
    if (file?.version !== FORMAT || typeof file.users !== 'object' || file.users === null) {
      throw new KlogError('UNSUPPORTED_FORMAT', `${path} has format ${JSON.stringify(file?.version)}; this klog reads format ${FORMAT}`);
    }
    const users = new Map<string, Map<ScramMechanism, ScramCredential>>();
    for (const [user, stored] of Object.entries(file.users)) {
      const credentials = new Map<ScramMechanism, ScramCredential>();
      for (const mechanism of SCRAM_MECHANISMS) {
        const c = stored[mechanism];
        if (!c) continue;
        credentials.set(mechanism, {
          mechanism, iterations: c.iterations,
          salt: Buffer.from(c.salt, 'base64'), storedKey: Buffer.from(c.storedKey, 'base64'), serverKey: Buffer.from(c.serverKey, 'base64'),
        });
      }
      users.set(user, credentials);
    }
    return new UserStore(dir, users);
  }

  /** A store kept in memory only (tests of handlers). */
  static inMemory(): UserStore {
    return new UserStore(null, new Map());
  }

  /** How many users there are; with none, the broker asks no one to authenticate. */
  get size(): number {
    return this.users.size;
  }

  credential(user: string, mechanism: ScramMechanism): ScramCredential | undefined {
    return this.users.get(user)?.get(mechanism);
  }

  list(): UserListing[] {
    return [...this.users.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([user, creds]) => ({ user, mechanisms: [...creds.keys()] }));
  }

  /** Adds a user or replaces all its credentials; true when the user is new. */
  put(user: string, credentials: ScramCredential[]): boolean {
    validateUserName(user);
    if (credentials.length === 0) throw new KlogError('INVALID_CONFIG', `user ${user} needs at least one SCRAM credential`);
    const byMechanism = new Map<ScramMechanism, ScramCredential>();
    for (const c of credentials) {
      checkIterations(c.iterations);
      if (byMechanism.has(c.mechanism)) throw new KlogError('INVALID_CONFIG', `user ${user} has two ${c.mechanism} credentials: give one per mechanism`);
      byMechanism.set(c.mechanism, c);
    }
    const created = !this.users.has(user);
    const next = new Map(this.users).set(user, byMechanism);
    this.save(next);
    this.users.set(user, byMechanism);
    return created;
  }

  /** Adds a user (or replaces its credentials) from a password: a credential per mechanism, the password itself kept nowhere. */
  putPassword(user: string, password: string, opts: { iterations?: number } = {}): boolean {
    return this.put(user, deriveScramCredentials(password, opts));
  }

  remove(user: string): void {
    if (!this.users.has(user)) throw new KlogError('UNKNOWN_USER', `there is no user ${JSON.stringify(user)}`);
    const next = new Map(this.users);
    next.delete(user);
    this.save(next);
    this.users.delete(user);
  }

  /** Writes the whole list before memory changes: a failed write leaves both as they were. */
  private save(users: Map<string, Map<ScramMechanism, ScramCredential>>): void {
    if (this.dir === null) return;
    const file: UsersFile = { version: FORMAT, users: {} };
    for (const [user, creds] of users) {
      const stored: Partial<Record<ScramMechanism, StoredCredential>> = {};
      for (const [mechanism, c] of creds) {
        stored[mechanism] = {
          salt: c.salt.toString('base64'), iterations: c.iterations, storedKey: c.storedKey.toString('base64'), serverKey: c.serverKey.toString('base64'),
        };
      }
      file.users[user] = stored;
    }
    writeFileAtomically(this.dir, USERS_FILE, `${JSON.stringify(file, null, 2)}\n`);
  }
}
