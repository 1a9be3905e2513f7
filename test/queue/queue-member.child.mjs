// Queue members in a process of their own, for the multi-process and crash tests. Prints JSON lines on stdout:
// {member} once per member, {member, value, deliveryCount} after each record's accept succeeded, {held: value}
// for each record it keeps locked without acknowledging. It never closes by itself: the test ends it.
// Usage: node queue-member.child.mjs <port> <queue> <members> <mode>
//   mode "work": every record is accepted;  mode "hold:N": accepts half of its first records, keeps N locked, then idles;
//   mode "run-hold": run() with one handler that never finishes (its next fetch stays waiting at the broker).
import { createClient } from '@klog/client';

const [port, name, members, mode] = process.argv.slice(2);
const client = createClient({ brokers: [`127.0.0.1:${port}`], clientId: 'child' });
const print = (o) => process.stdout.write(`${JSON.stringify(o)}\n`);

async function work(queue) {
  for await (const msg of queue) {
    await msg.accept();
    print({ member: queue.memberId, value: msg.value, deliveryCount: msg.deliveryCount });
  }
}

async function holdSome(queue, count) {
  let held = 0;
  while (held < count) {
    for (const msg of await queue.receive({ max: 2, maxWaitMs: 5_000 })) {
      if (msg.offset % 2 === 0 || held >= count) {
        await msg.accept();
        print({ member: queue.memberId, value: msg.value, deliveryCount: msg.deliveryCount });
      } else {
        held++;
        print({ held: msg.value });
      }
    }
  }
  print({ holding: held });
  await new Promise(() => undefined); // keep the locks until killed
}

async function runHold(queue) {
  await queue.run({ concurrency: 1, eachMessage: async ({ message }) => {
    print({ held: message.value, deliveryCount: message.deliveryCount });
    await new Promise(() => undefined);
  } });
}

const modes = { work, 'run-hold': runHold };
const queues = Array.from({ length: Number(members) }, () => client.queue({ name, valueDeserializer: 'string' }));
for (const q of queues) print({ member: q.memberId });
await Promise.all(queues.map((q) => (modes[mode] ?? ((x) => holdSome(x, Number(mode.split(':')[1]))))(q)));
