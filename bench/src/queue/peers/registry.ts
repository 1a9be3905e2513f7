import type { QueuePeer } from '../queue-peer.js';
import { klogQueue, klogQueueHoldAsPeers } from './klog.js';
import { natsQueue } from './nats.js';
import { rabbitmqQueue } from './rabbitmq.js';
import { redisQueue } from './redis.js';

/** Every system the queue suite measures, in the order they run and are printed; klog first, the basis of ratios. */
export const queuePeers: QueuePeer[] = [klogQueue, klogQueueHoldAsPeers, rabbitmqQueue, redisQueue, natsQueue];
