import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { deadPid, expectKlogError, openStore, readAll, removeTempDirs, tempDir } from './store-fixture.js';

afterEach(removeTempDirs);

describe('data directory lock', () => {
  it('refuses a second store on an open directory, and allows it after close', async () => {
    const dir = tempDir();
    const s = await openStore(dir);
    expect(readFileSync(join(dir, '.lock'), 'utf8').trim()).toBe(String(process.pid));
    await expectKlogError(openStore(dir), 'STORE_LOCKED');
    await s.close();
    expect(existsSync(join(dir, '.lock'))).toBe(false);
    const again = await openStore(dir);
    await again.close();
  });

  it('refuses a lock held by another live process', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, '.lock'), `${process.ppid}\n`);
    await expectKlogError(openStore(dir), 'STORE_LOCKED');
    expect(readFileSync(join(dir, '.lock'), 'utf8').trim()).toBe(String(process.ppid)); // left alone
  });

  it.each([
    ['a dead process', () => `${deadPid()}\n`],
    ['nothing readable (a crash before the pid was written)', () => ''],
  ])('takes over a lock left by %s, keeping the data', async (_what, content) => {
    const dir = tempDir();
    const first = await openStore(dir);
    await first.createTopic('t');
    await first.append('t', [{ value: Buffer.from('kept') }]);
    await first.close();
    writeFileSync(join(dir, '.lock'), content());

    const warnings: unknown[] = [];
    const logger = (await import('pino')).pino({ level: 'warn' }, { write: (line: string) => warnings.push(JSON.parse(line)) });
    const s = await openStore(dir, { logger });
    expect(readFileSync(join(dir, '.lock'), 'utf8').trim()).toBe(String(process.pid));
    expect(warnings).toEqual([expect.objectContaining({ msg: expect.stringContaining('took over a lock') })]);
    expect((await readAll(s, 't')).map((r) => r.value?.toString())).toEqual(['kept']);
    await s.close();
  });

  it('releases the lock when open fails', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'topics.json'), '{ not json');
    await expectKlogError(openStore(dir), 'CORRUPT_DATA');
    expect(existsSync(join(dir, '.lock'))).toBe(false);
  });
});
