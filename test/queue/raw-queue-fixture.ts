// For tests that speak the queue APIs by hand: before each test a fresh broker with a topic 'jobs' and a queue
// 'work' on it (from the earliest record), a client for setting up and checking, and a raw protocol connection.
import { afterEach, beforeEach } from 'vitest';
import type { Broker } from '@klog/broker';
import type { Client } from '@klog/client';
import { clientFor, RawConnection, startTestBroker } from '../broker/fixture.js';

export interface RawQueueSetup {
  readonly broker: Broker;
  readonly client: Client;
  readonly raw: RawConnection;
}

/** Registers the hooks; the returned object's fields are the current test's. */
export function useRawQueueBroker(): RawQueueSetup {
  const setup = {} as { broker: Broker; client: Client; raw: RawConnection };
  beforeEach(async () => {
    setup.broker = await startTestBroker();
    setup.client = clientFor(setup.broker);
    await setup.client.admin().createTopic('jobs');
    await setup.client.admin().createQueue({ name: 'work', topics: ['jobs'], start: 'earliest' });
    setup.raw = await RawConnection.open(setup.broker.port);
  });
  afterEach(async () => {
    setup.raw.destroy();
    await setup.client.close();
    await setup.broker.close();
  });
  return setup;
}
