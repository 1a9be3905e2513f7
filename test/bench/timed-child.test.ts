import { describe, expect, it } from 'vitest';
import { runTimedChild } from '../../bench/src/timed-child.js';

describe('runTimedChild (the C clients\' process, with its CPU)', () => {
  it('reports the CPU a finished command used, and keeps or discards its output', async () => {
    // About a tenth of a second of shell arithmetic: CPU the parent shell's `times` must see.
    const busy = 'i=0; while [ $i -lt 100000 ]; do i=$((i+1)); done; echo done; echo note >&2';
    const kept = await runTimedChild('sh', ['-c', busy], 'keep', 30_000);
    expect(kept.stdout).toBe('done\n');
    expect(kept.stderr).toContain('note');
    expect(kept.cpuSeconds).toBeGreaterThan(0);
    expect(kept.cpuSeconds).toBeLessThan(kept.seconds * 2 + 0.05);
    const discarded = await runTimedChild('sh', ['-c', busy], 'discard', 30_000);
    expect(discarded.stdout).toBe('');
  });

  it('fails with the command\'s own error output when it exits non-zero', async () => {
    await expect(runTimedChild('sh', ['-c', 'echo "no such topic" >&2; exit 3'], 'keep', 30_000)).rejects.toThrow(/exited with 3: no such topic/);
  });

  it('kills a command that outlives its limit, with the shell around it', async () => {
    const t0 = Date.now();
    await expect(runTimedChild('sleep', ['30'], 'discard', 300)).rejects.toThrow(/killed by SIGKILL \(timeout 300 ms\)/);
    // The result comes once the output pipes close: a sleep that outlived its shell would hold them for 30 s.
    expect(Date.now() - t0).toBeLessThan(10_000);
  });
});
