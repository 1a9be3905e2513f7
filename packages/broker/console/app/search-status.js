// What the message browser says about a finished search. The server bounds every search (records, bytes read,
// time) and says why it stopped; "no more records" and "gave up looking" call for different next steps, so a
// search cut short by a cap is said to be, and marked as a warning. No browser imports: tested under Node.
import { count } from './format.js';

/** @type {Record<string, (shown: number) => string>} */
const WHY = {
  limit: (n) => `Showing the first ${count(n)} matches: more follow. Raise the limit or start later to see them.`,
  end: () => 'Reached the end of the log.',
  maxBytes: () => 'The search stopped at its cap on bytes read, before the end of the log: narrow it (one partition, a later start) to look further.',
  maxTime: () => 'The search stopped at its time cap, before the end of the log: narrow it (one partition, a later start) to look further.',
};

/**
 * @param {{ messages: unknown[], stoppedBecause: string, scanned: number }} result
 * @returns {{ text: string, capped: boolean }}
 */
export function searchStatus({ messages, stoppedBecause, scanned }) {
  const why = WHY[stoppedBecause];
  return {
    text: `${count(messages.length)} shown, ${count(scanned)} scanned. ${why ? why(messages.length) : `Stopped: ${stoppedBecause}.`}`,
    capped: stoppedBecause === 'maxBytes' || stoppedBecause === 'maxTime',
  };
}
