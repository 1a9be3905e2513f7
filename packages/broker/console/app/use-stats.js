// The shared stats stream as component state: re-renders on each sample.
import { useEffect, useState } from './html.js';
import { statsSnapshot, subscribeStats } from './stats-stream.js';

export function useStats() {
  const [snapshot, setSnapshot] = useState(statsSnapshot);
  useEffect(() => subscribeStats(() => setSnapshot(statsSnapshot())), []);
  return snapshot;
}
