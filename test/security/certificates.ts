// Certificates for the TLS tests, made at run time with Debian's openssl into a temporary directory (no key is
// ever committed): a CA, a broker certificate it signed for 127.0.0.1 and localhost, a client certificate it
// signed (CN alice), a client certificate it signed that is already expired (CN old), and a second CA with a client
// certificate of its own, which the broker must refuse.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Pem {
  certFile: string;
  keyFile: string;
  cert: Buffer;
  key: Buffer;
}

export interface TestCertificates {
  dir: string;
  ca: Pem;
  server: Pem;
  /** Signed by `ca`, subject CN=alice. */
  client: Pem;
  /** Signed by `ca`, subject CN=old, valid for no time at all: expired from the second after it was made. */
  expiredClient: Pem;
  /** A CA the broker does not know, and a client certificate it signed (CN=mallory). */
  otherCa: Pem;
  otherClient: Pem;
  remove(): void;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

function pem(dir: string, name: string): Pem {
  const certFile = join(dir, `${name}.pem`);
  const keyFile = join(dir, `${name}.key`);
  return { certFile, keyFile, cert: readFileSync(certFile), key: readFileSync(keyFile) };
}

// EC keys: made in milliseconds, where RSA keys would slow every test run.
const NEW_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

function makeCa(dir: string, name: string): void {
  openssl(['req', '-x509', ...NEW_KEY, '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '2', '-subj', `/CN=klog test ${name}`], dir);
}

function makeSigned(dir: string, name: string, cn: string, ca: string, extensions: string, days = 2): void {
  writeFileSync(join(dir, `${name}.ext`), extensions);
  openssl(['req', ...NEW_KEY, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`], dir);
  openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-set_serial', String(Date.now()),
    '-days', String(days), '-out', `${name}.pem`, '-extfile', `${name}.ext`], dir);
}

export function makeCertificates(): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'klog-tls-test-'));
  makeCa(dir, 'ca');
  makeSigned(dir, 'server', 'localhost', 'ca', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  makeSigned(dir, 'client', 'alice', 'ca', 'extendedKeyUsage=clientAuth\n');
  makeSigned(dir, 'expired-client', 'old', 'ca', 'extendedKeyUsage=clientAuth\n', 0); // notAfter = notBefore
  makeCa(dir, 'other-ca');
  makeSigned(dir, 'other-client', 'mallory', 'other-ca', 'extendedKeyUsage=clientAuth\n');
  return {
    dir,
    ca: pem(dir, 'ca'),
    server: pem(dir, 'server'),
    client: pem(dir, 'client'),
    expiredClient: pem(dir, 'expired-client'),
    otherCa: pem(dir, 'other-ca'),
    otherClient: pem(dir, 'other-client'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
