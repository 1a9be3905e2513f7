// A worker process for the cross-process tests: imports the fixture tasks and runs a worker until killed.
// Prints "ready" once it takes tasks. Usage: KLOG_BROKER=host:port node worker.child.mjs <concurrency>
import { tasks } from './fixture-tasks.mjs';

await tasks.worker({ concurrency: Number(process.argv[2] ?? 1) });
process.stdout.write('ready\n');
