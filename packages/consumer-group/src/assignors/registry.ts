import type { Assignor } from './assignor.js';
import { rangeAssignor } from './range.js';
import { roundRobinAssignor } from './round-robin.js';
import { stickyAssignor } from './sticky.js';

/** The assignors a native klog group can use, by the name members list in their join. */
export const assignors: ReadonlyMap<string, Assignor> = new Map<string, Assignor>([
  ['range', rangeAssignor],
  ['roundrobin', roundRobinAssignor],
  ['sticky', stickyAssignor],
]);
