// Renders docs/errors.md from the error tables (@klog/protocol, built): `node scripts/errors-doc.mjs` rewrites
// it; test/errors-doc.test.ts fails while the file and the tables disagree.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BROKER_ERRORS, GROUP_ERRORS, QUEUE_ERRORS, SECURITY_ERRORS, STORAGE_ERRORS, TASK_ERRORS } from '@klog/protocol';

export const ERRORS_DOC = fileURLToPath(new URL('../docs/errors.md', import.meta.url));

const SECTIONS = [
  ['Storage', '@klog/log-core', 'raised by the storage engine: topics, records, batches and the data directory.', STORAGE_ERRORS],
  ['Consumer groups', '@klog/protocol', 'raised by the group coordinator; names follow Kafka\'s where Kafka has one.', GROUP_ERRORS],
  ['Broker protocol and client', '@klog/protocol', 'raised by the broker\'s protocol handling and by the client\'s side of a connection.', BROKER_ERRORS],
  ['Queues', '@klog/protocol', 'raised by queue mode (share partitions and the embedded queue); see queue-mode.md.', QUEUE_ERRORS],
  ['Background tasks', '@klog/protocol', 'raised by background tasks, in the client process only (never on the wire); see tasks.md.', TASK_ERRORS],
  ['Security', '@klog/protocol', 'raised by TLS, the user store and authentication; see security.md.', SECURITY_ERRORS],
];

const INTRO = `# Errors

Every failure klog reports is a \`KlogError\` (exported by \`@klog/client\`, \`@klog/protocol\` and \`@klog/log-core\`;
one class, so \`instanceof\` works whichever package you import it from) with two parts: \`code\`, a stable name a
program branches on and that travels over the wire, and \`message\`, which says to a person what went wrong.

What a code means to a program is kept in one table per package that owns codes; the client, the group
consumer, the broker's Kafka listener and the \`klog\` command all read it. Look a code up with
\`errorInfo(code)\` (or \`errorInfoOf(err)\`), and ask \`isRetriable(err)\`, from \`@klog/client\`.

This file is generated from those tables by \`node scripts/errors-doc.mjs\`; a test fails when they disagree.

## What the columns mean to a client

- **retriable** — the same request may succeed if sent again, after a pause: the broker may be back, the disk
  may have room again. The producer, the consumer and the group consumer retry these with exponential backoff
  for up to \`maxRetryTimeMs\` (default 30 s), logging a warning at every retry through \`ClientOptions.logger\`
  (by default, JSON lines on stderr) that names the code and the attempt; then they fail with the last error.
  Anything not retriable fails at once.
- **refresh metadata** — what the client knows of topics and partitions may be stale (a topic deleted or
  recreated, a broker restarted): it asks the broker again before the next attempt.
- **rejoin** — a group member's membership or generation is no longer current: it joins its group again,
  giving up and then receiving its partitions afresh (a member whose id is unknown rejoins without one).
- **Kafka** — the error number the Kafka listener sends for the code (from Kafka's protocol error list);
  -1 is UNKNOWN_SERVER_ERROR, for codes no Kafka request can produce.
- **hint** — what a person can do next; \`klog\` prints it after the message.

Two codes are about errors that are not klog's own:

- **INTERNAL_ERROR** — the broker hit an error it has no code for (a bug, or an I/O failure such as EMFILE).
  It logs the error with its stack under a short id and answers with a message carrying that id, e.g.
  \`internal broker error (id 3f9a0c12): EMFILE: too many open files …; the broker log has the stack\`:
  search the broker's log for the id. Not retriable: the same request would most likely fail the same way.
- **UNKNOWN_ERROR_CODE** — the broker answered with a code this client does not know (a newer broker); the
  message keeps the code's text. Not retriable, since nothing is known about it.
`;

function cell(text) {
  return String(text).replaceAll('|', '\\|').replaceAll('_', '\\_').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

const yes = (flag) => (flag ? 'yes' : 'no');

export function renderErrorsDoc() {
  const parts = [INTRO.trimEnd()];
  for (const [title, pkg, what, table] of SECTIONS) {
    parts.push(`\n## ${title} (${pkg})\n\nCodes ${what}\n`);
    parts.push('| code | retriable | refresh metadata | rejoin | Kafka | hint |');
    parts.push('|---|---|---|---|---|---|');
    for (const [code, info] of Object.entries(table)) {
      parts.push(`| ${code} | ${yes(info.retriable)} | ${yes(info.refreshMetadata)} | ${yes(info.rejoin)} | ${info.kafkaCode} | ${cell(info.hint)} |`);
    }
  }
  return `${parts.join('\n')}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(ERRORS_DOC, renderErrorsDoc());
  console.log(`wrote ${ERRORS_DOC}`);
}
