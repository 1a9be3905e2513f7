// Shared by the CLI tests that need test certificates and `klog broker` processes of their own: the certificates
// are made in beforeAll, and every broker child and data directory is removed in afterAll (only our own children,
// by their handles).
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll } from 'vitest';
import { makeCertificates, type TestCertificates } from '../security/certificates.js';
import { assertBuilt, lines, spawnKlog, tempDir, waitForText } from './klog-harness.js';

export interface CliBroker {
  child: ChildProcess;
  /** host:port of its native listener. */
  address: string;
  /** Resolves with the exit code once the process has closed. */
  exited: Promise<number | null>;
}

export interface CliBrokerFixture {
  /** The certificates (CA, server, client); valid inside tests. */
  certs(): TestCertificates;
  /** A temporary data directory, removed after the file's tests. */
  dataDir(prefix: string): string;
  /** `klog broker --data-dir DIR --port 0 …extra`, once it logs that it listens. */
  broker(dataDir: string, extra?: string[]): Promise<CliBroker>;
}

export function useCliBrokers(): CliBrokerFixture {
  const dirs: string[] = [];
  const children: ChildProcess[] = [];
  let certs: TestCertificates | undefined;
  beforeAll(() => {
    assertBuilt();
    certs = makeCertificates();
  });
  afterAll(() => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    certs?.remove();
  });
  return {
    certs() {
      if (certs === undefined) throw new Error('the certificates are made in beforeAll: use them inside a test');
      return certs;
    },
    dataDir(prefix) {
      const dir = tempDir(prefix);
      dirs.push(dir);
      return dir;
    },
    async broker(dataDir, extra = []) {
      const child = spawnKlog(['broker', '--data-dir', dataDir, '--port', '0', ...extra]);
      children.push(child);
      const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
      const log = await waitForText(child.stderr!, (t) => t.includes('broker listening'));
      const listening = lines(log).map((l) => JSON.parse(l)).find((e) => e.msg === 'broker listening');
      return { child, address: `127.0.0.1:${listening.port}`, exited };
    },
  };
}
