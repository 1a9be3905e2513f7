import { CLUSTER, groupResource, topicResource } from '../../security/acl.js';
import { describeGroups } from '../../services/describe-groups.js';
import { groupLag } from '../../services/group-lag.js';
import { partitionsParam } from '../message-browse.js';
import { messageJson } from '../record-json.js';
import type { Route } from '../route.js';
import { TailPacer } from '../tail-pacer.js';

/**
 * GET /api/v1/events: every second an `event: stats` with cumulative traffic counters and open connections (the
 * page computes rates from two samples), and an `event: groups` with each group's lag summed over its
 * partitions (the page keeps its own history of them), the first of each at once. A groups sample still being
 * described when the next second comes is not doubled: that second simply has none.
 */
export const eventsRoute: Route = {
  method: 'GET',
  path: /^\/api\/v1\/events$/,
  // The broker's traffic and connections are the cluster's figures; each group's lag is shown only if describable.
  authorize: ({ access }) => access.check('describe', CLUSTER),
  async handle({ req, res, services, streams, logger, access }) {
    const stream = streams.start(req, res);
    let describing = false;
    const sendGroups = async (): Promise<void> => {
      const time = Date.now();
      const lag: Record<string, number> = {};
      for (const d of await describeGroups(services.coordinator)) {
        if (access.allowed('describe', groupResource(d.groupId))) lag[d.groupId] = groupLag(d).sum;
      }
      stream.send('groups', { time, lag });
    };
    const tick = (): void => {
      stream.send('stats', { time: Date.now(), ...services.traffic(), connections: services.connections() });
      if (describing) return;
      describing = true;
      sendGroups()
        .catch((err: unknown) => logger.debug({ err }, 'group lag sample failed')) // the coordinator is closing
        .finally(() => {
          describing = false;
        });
    };
    tick();
    const timer = setInterval(tick, 1_000);
    stream.signal.addEventListener('abort', () => clearInterval(timer), { once: true });
  },
};

/**
 * GET /api/v1/topics/:name/tail?partition=P|all: an `event: record` for every record appended after the
 * request, in offset order per partition. A client that cannot keep up is sent `event: dropped` with the count
 * skipped instead of making the broker buffer without bound (see TailPacer).
 */
export const tailRoute: Route = {
  method: 'GET',
  path: /^\/api\/v1\/topics\/([^/]+)\/tail$/,
  authorize: ({ access, params: [topic] }) => access.check('read', topicResource(topic)),
  async handle({ req, res, url, params: [topic], services: { store }, streams, logger }) {
    const partitions = partitionsParam(url.searchParams.get('partition'), store.partitionCount(topic));
    const starts = partitions.map((p) => store.logEndOffset(topic, p));
    const stream = streams.start(req, res);
    const pacer = new TailPacer(stream);
    const follow = async (partition: number, offset: number): Promise<void> => {
      for await (const r of store.tail(topic, partition, { offset, signal: stream.signal })) {
        pacer.offer('record', messageJson(partition, r));
      }
    };
    void Promise.all(partitions.map((p, i) => follow(p, starts[i])))
      .catch((err) => {
        // The topic was deleted, or the store closed under the broker's shutdown: the tail simply ends.
        if (!stream.signal.aborted) logger.debug({ err, topic }, 'tail ended');
      })
      .finally(() => {
        pacer.stop();
        stream.end();
      });
  },
};
