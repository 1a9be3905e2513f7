// The shared stats stream as component state: re-renders on each sample.
import { useEffect, useState } from './html.js';
import { groupLagSnapshot, statsSnapshot, subscribeStats } from './stats-stream.js';

export function useStats() {
  const [snapshot, setSnapshot] = useState(statsSnapshot);
  useEffect(() => subscribeStats(() => setSnapshot(statsSnapshot())), []);
  return snapshot;
}

/** One group's lag history from the same stream: re-renders on each sample. @param {string} groupId */
export function useGroupLag(groupId) {
  const [snapshot, setSnapshot] = useState(() => groupLagSnapshot(groupId));
  useEffect(() => subscribeStats(() => setSnapshot(groupLagSnapshot(groupId))), [groupId]);
  return snapshot;
}
