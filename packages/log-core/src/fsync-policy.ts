import { KlogError } from './errors.js';

/**
 * When appended data is forced to disk, and so what an acknowledged append promises:
 *  - 'always': the append resolves after fdatasync of the segment file. Survives a process kill and an OS crash
 *    or power loss. Appends that arrive together share one fdatasync (group commit).
 *  - { intervalMs }: the append resolves once the data is written to the OS (page cache); every partition with
 *    new data is fdatasynced every intervalMs. Survives a process kill; an OS crash loses at most the last
 *    intervalMs of acknowledged appends.
 *  - 'never': the append resolves once written to the OS; the OS writes back when it chooses. Survives a
 *    process kill; an OS crash may lose whatever was not yet written back.
 * Readers see appended data as soon as the append is acknowledged, never earlier.
 */
export type FsyncPolicy = 'always' | 'never' | { intervalMs: number };

export function validateFsyncPolicy(policy: unknown): FsyncPolicy {
  if (policy === 'always' || policy === 'never') return policy;
  if (typeof policy === 'object' && policy !== null && 'intervalMs' in policy) {
    const ms = (policy as { intervalMs: unknown }).intervalMs;
    if (typeof ms === 'number' && Number.isInteger(ms) && ms > 0) return { intervalMs: ms };
  }
  throw new KlogError('INVALID_CONFIG',
    `fsync must be 'always', 'never' or { intervalMs: <positive integer> }, got ${JSON.stringify(policy)}`);
}
