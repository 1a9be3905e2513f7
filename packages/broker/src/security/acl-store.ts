import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KlogError } from '@klog/log-core';
import { sameAcl, validateAcl, type Acl } from './acl.js';
import { writeFileAtomically } from './atomic-file.js';

/** The ACLs' file in the data directory, beside users.json. */
export const ACLS_FILE = 'acls.json';
const FORMAT = 1;

interface AclsFile {
  version: number;
  acls: Acl[];
}

/** The broker's ACLs, in one JSON file rewritten atomically on every change (like the user store). */
export class AclStore {
  private constructor(private readonly dir: string | null, private acls: readonly Acl[]) {}

  static open(dir: string): AclStore {
    const path = join(dir, ACLS_FILE);
    if (!existsSync(path)) return new AclStore(dir, []);
    let file: AclsFile;
    try {
      file = JSON.parse(readFileSync(path, 'utf8')) as AclsFile;
    } catch (err) {
      throw new KlogError('CORRUPT_DATA', `${path} is not valid JSON (${(err as Error).message}): restore it from a backup, or remove it and add the ACLs again`);
    }
    if (file?.version !== FORMAT || !Array.isArray(file.acls)) {
      throw new KlogError('UNSUPPORTED_FORMAT', `${path} has format ${JSON.stringify(file?.version)}; this klog reads format ${FORMAT}`);
    }
    return new AclStore(dir, file.acls.map(validateAcl));
  }

  static inMemory(): AclStore {
    return new AclStore(null, []);
  }

  list(): readonly Acl[] {
    return this.acls;
  }

  /** Adds an ACL; false when the same one is already there. */
  add(acl: Acl): boolean {
    validateAcl(acl);
    if (this.acls.some((a) => sameAcl(a, acl))) return false;
    this.save([...this.acls, { ...acl }]);
    return true;
  }

  remove(acl: Acl): void {
    const next = this.acls.filter((a) => !sameAcl(a, acl));
    if (next.length === this.acls.length) throw new KlogError('UNKNOWN_ACL', 'there is no such ACL (give it exactly as klog acl list shows it)');
    this.save(next);
  }

  /** The file first, then memory: a failed write leaves both as they were. */
  private save(acls: Acl[]): void {
    if (this.dir !== null) writeFileAtomically(this.dir, ACLS_FILE, `${JSON.stringify({ version: FORMAT, acls } satisfies AclsFile, null, 2)}\n`);
    this.acls = acls;
  }
}
