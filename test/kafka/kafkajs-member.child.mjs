// A kafkajs group member in a process of its own, so that a test can kill it with SIGKILL (no LeaveGroup).
// argv: broker groupId topic. Prints JOINED when it has partitions, then one line per record value.
import { Kafka, logLevel } from 'kafkajs';

const [broker, groupId, topic] = process.argv.slice(2);
const kafka = new Kafka({ clientId: 'kafkajs-child', brokers: [broker], logLevel: logLevel.NOTHING });
const consumer = kafka.consumer({ groupId, sessionTimeout: 6_000, rebalanceTimeout: 10_000, heartbeatInterval: 300, maxWaitTimeInMs: 200 });
consumer.on(consumer.events.GROUP_JOIN, (e) => {
  if (Object.keys(e.payload.memberAssignment).length > 0) process.stdout.write('JOINED\n');
});
await consumer.connect();
await consumer.subscribe({ topic, fromBeginning: true });
await consumer.run({ eachMessage: async ({ message }) => { process.stdout.write(`${message.value.toString()}\n`); } });
