import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, isKlogError, type Client } from '../../packages/client/src/index.js';
import { runKlog, spawnShell, startTestBroker, tempDir, type KlogResult, type TestBroker } from './klog-harness.js';

/** Every command and subcommand whose --help may list examples. */
const COMMANDS = [[], ['broker'], ['produce'], ['consume'], ['topic'], ['topic', 'create'], ['topic', 'alter'], ['topic', 'list'], ['topic', 'describe'],
  ['topic', 'compact'], ['topic', 'trim'], ['topic', 'delete'], ['group'], ['group', 'list'], ['group', 'describe'], ['group', 'reset-offsets'], ['group', 'delete'],
  ['queue'], ['queue', 'create'], ['queue', 'list'], ['queue', 'describe'], ['queue', 'redrive'], ['queue', 'reset'], ['queue', 'delete'],
  ['user'], ['user', 'add'], ['user', 'list'], ['user', 'remove'], ['acl'], ['acl', 'add'], ['acl', 'list'], ['acl', 'remove'],
  ['worker'], ['task'], ['task', 'status'], ['task', 'list'], ['task', 'retry'], ['task', 'revoke']];

/** The example command lines of a --help text (piped, each example is one line: command, two spaces, what it does). */
function examplesOf(help: string): string[] {
  const section = help.split('\nExamples:\n')[1] ?? '';
  return section.split('\n').filter((l) => l.startsWith('  ')).map((l) => l.trim().split(/\s{2,}/)[0]);
}

async function collectExamples(): Promise<string[]> {
  const all = new Set<string>();
  for (const cmd of COMMANDS) {
    const r = await runKlog([...cmd, '--help']);
    expect(r.code).toBe(0);
    for (const e of examplesOf(r.stdout.toString())) all.add(e);
  }
  return [...all];
}

/**
 * Runs an example as a person would paste it. It passes when it exits 0, or when it is still running without
 * complaint once it has settled (a consumer following, a broker serving): then Ctrl-C goes to its process group,
 * and it must stop with 0 as well.
 */
function runExample(example: string, opts: { broker: string; cwd: string }): Promise<KlogResult & { followed: boolean }> {
  // The shell outlives Ctrl-C (a trap that does nothing), so its exit status is the example's own.
  const child = spawnShell(`trap : INT\n${example}`, { broker: opts.broker, cwd: opts.cwd, env: { HOME: opts.cwd } });
  child.stdin!.end();
  const out: Buffer[] = [];
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => out.push(c));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => {
    let followed = false;
    const settle = setTimeout(() => {
      if (/^klog: (?!created|deleted)/m.test(stderr)) return; // it said something is wrong; wait for it to exit
      followed = true;
      process.kill(-child.pid!, 'SIGINT');
    }, 2500);
    child.on('close', (code) => {
      clearTimeout(settle);
      resolve({ code, stdout: Buffer.concat(out), stderr, followed });
    });
  });
}

let tb: TestBroker;
let client: Client;
let cwd: string;

beforeAll(async () => {
  tb = await startTestBroker();
  client = createClient({ brokers: [tb.address], clientId: 'examples-setup' });
  cwd = tempDir('klog-cli-examples-');
  writeFileSync(join(cwd, 'events.jsonl'), '{"id":1}\n{"id":2}\n');
  writeFileSync(join(cwd, 'event.json'), '{\n  "id": 3\n}\n');
});
afterAll(async () => {
  await client?.close();
  await tb?.stop();
  rmSync(cwd, { recursive: true, force: true });
});

/**
 * What the examples take for granted: the topics they read exist with a record, `topic create X` finds no X, and
 * a queue an example uses (other than to create it) exists over jobs with a job ready.
 */
async function prepareFor(example: string): Promise<void> {
  const admin = client.admin();
  if (/klog worker \.\/tasks\.js/.test(example)) {
    // A tasks module as a project would have one (its @klog/tasks is this repository's build).
    const tasksPackage = join(import.meta.dirname, '..', '..', 'packages', 'tasks', 'dist', 'index.js');
    writeFileSync(join(cwd, 'tasks.js'), `import { createTasks } from ${JSON.stringify(tasksPackage)};\n`
      + 'export const tasks = createTasks();\nexport const add = tasks.define(\'add\', async (_ctx, a, b) => a + b);\n');
    writeFileSync(join(cwd, 'package.json'), '{ "type": "module" }\n');
  }
  const created = /topic create (\S+)/.exec(example)?.[1];
  if (created) {
    await admin.deleteTopic(created).catch((err) => {
      if (!isKlogError(err, 'UNKNOWN_TOPIC')) throw err;
    });
    return;
  }
  const queue = /(?:queue (?:describe|redrive|reset|delete)|--queue) (\S+)/.exec(example)?.[1];
  if (queue) {
    await admin.createQueue({ name: queue, topics: ['jobs'] }).catch(async (err) => {
      if (!isKlogError(err, 'UNKNOWN_TOPIC')) throw err;
      await admin.createTopic('jobs');
      await admin.createQueue({ name: queue, topics: ['jobs'] });
    });
  }
  if (/topic compact (\S+)/.test(example)) {
    const compacted = /topic compact (\S+)/.exec(example)![1];
    await admin.createTopic(compacted, { cleanupPolicy: 'compact' }).catch((err) => {
      if (!isKlogError(err, 'TOPIC_EXISTS')) throw err;
    });
  }
  const producer = client.producer();
  for (const topic of ['notification', 'events', 'news.sport', 'jobs', 'orders']) {
    await producer.send({ topic, messages: [{ value: `${topic} record` }] });
  }
  await producer.close();
}

describe('every example in every --help', () => {
  it('runs as written: exits 0, or follows without complaint until Ctrl-C and then exits 0', async () => {
    const examples = await collectExamples();
    expect(examples.length).toBeGreaterThan(20);
    for (const example of examples) {
      await prepareFor(example);
      // A broker example's data directory (say /var/lib/klog) becomes one of the test's own: the rest runs as written.
      const asRun = example.replace(/--data-dir \S+/, `--data-dir ${join(cwd, 'broker-data')}`);
      const r = await runExample(asRun, { broker: tb.address, cwd });
      // A broker example on a fixed port may find it taken on a busy machine; it got past its options to say so.
      const portTaken = example.startsWith('klog broker') && /already in use/.test(r.stderr);
      expect(r.code, `${example}\n${r.stderr}`).toBe(portTaken ? 1 : 0);
    }
  }, 180_000);
});
