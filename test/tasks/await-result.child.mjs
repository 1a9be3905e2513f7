// Waits, in a process of its own, for the result of a task another process enqueued; prints it as JSON.
// Usage: KLOG_BROKER=host:port node await-result.child.mjs <task id>
import { add, tasks } from './fixture-tasks.mjs';

const value = await add.handle(process.argv[2]).result({ timeoutMs: 20_000 });
process.stdout.write(`${JSON.stringify({ value, status: await tasks.status(process.argv[2]) })}\n`);
await tasks.close();
