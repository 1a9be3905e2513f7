import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository this benchmark was built from, so a kept result says which code it measured. */
const REPO = fileURLToPath(new URL('../..', import.meta.url));

export interface Provenance {
  /** `git rev-parse HEAD`, or null outside a git checkout. */
  commit: string | null;
  /** Whether the working tree had uncommitted changes (then the commit is not all that was measured). */
  dirty: boolean | null;
}

export function provenance(): Provenance {
  const git = (args: string[]): string | null => {
    const r = spawnSync('git', ['-C', REPO, ...args], { encoding: 'utf8' });
    return r.status === 0 ? r.stdout : null;
  };
  const commit = git(['rev-parse', 'HEAD'])?.trim() ?? null;
  // Untracked files count: a new source file changes what was built. Ignored ones (dist) do not, nor anything in
  // bench/results: a kept result (--save-as) is untracked until committed, and made the next invocation dirty.
  const status = git(['status', '--porcelain', '--', '.', ':(exclude)bench/results']);
  return { commit, dirty: status === null ? null : status.trim() !== '' };
}
