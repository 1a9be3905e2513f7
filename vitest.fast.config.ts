import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';

/**
 * `npm run test:fast`: the edit-test loop. Every package's unit tests (by glob, so new ones join by themselves)
 * and the quick in-process integration tests, run against the TypeScript sources (`@klog/*` resolves to
 * `packages/<name>/src`), so no build is needed. Left to `npm test` (the full suite, vitest.config.ts): the
 * suites that are slow or that run built code in child processes — reliability, real Kafka clients, the CLI, the web console in a browser,
 * packaging, the README examples — and the few long files named below.
 */
const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  resolve: {
    alias: [{ find: /^@klog\/(broker|cli|client|consumer-group|log-core|protocol|queue|tasks)$/, replacement: `${root}packages/$1/src/index.ts` }],
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: [
      ...configDefaults.exclude,
      // slow suites, or ones that spawn built code (dist) in child processes
      'test/reliability/**',
      'test/kafka/**',
      'test/cli/**',
      'test/packaging/**',
      'test/console/**', // a real browser, and the console's vendored libraries, which the broker's build copies
      'test/readme.test.ts',
      // long files: every byte position of a torn tail (about 30 s); members killed and rebalanced in real time
      'packages/log-core/test/recovery.test.ts',
      'test/broker/group-crash.test.ts',
      'test/broker/group-behaviour.test.ts',
      'test/broker/group-balance.test.ts',
      'test/broker/pipelining.test.ts',
      // queues over the wire (members and brokers in child processes, 10,000 records through eight members) and
      // the HTTP listener's end-to-end suites; their units (packages/queue, packages/broker) stay in
      'test/queue/**',
      'test/http/**',
      // child processes killed mid-compaction or run under a low `ulimit -n`; 200,000 unawaited sends; retry bounds
      'packages/log-core/test/compaction-crash.test.ts',
      'packages/log-core/test/open-file-limits.test.ts',
      'test/client/producer-limits.test.ts',
      'test/broker/bounded-retries.test.ts',
      // background tasks: workers in child processes (one run kills four with kill -9), the README run through the
      // built klog, and a tsc run over the typed API
      'test/tasks/tasks-processes.test.ts',
      'test/tasks/readme-tasks.test.ts',
      'test/tasks/tasks-types.test.ts',
      'test/tasks/cli-tasks.test.ts',
      // real Kafka clients (kcat, kafka-python, kafkajs) over TLS and SASL
      'test/security/sasl-kafka.test.ts',
      'test/security/tls-kafka.test.ts',
      'test/security/acl-kafka.test.ts',
    ],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
