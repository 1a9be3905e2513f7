// What the console's message browser says when a search ends (console/app/search-status.js), run under Node.
import { describe, expect, it } from 'vitest';
import { searchStatus } from '../console/app/search-status.js';

const result = (shown: number, stoppedBecause: string, scanned = 5_000) => ({ messages: new Array(shown), stoppedBecause, scanned });

describe('searchStatus', () => {
  it('says a search cut short by a cap was cut short, and marks it', () => {
    for (const cap of ['maxBytes', 'maxTime']) {
      const s = searchStatus(result(3, cap));
      expect(s.capped).toBe(true);
      expect(s.text).toMatch(/^3 shown, 5,000 scanned\. The search stopped at its .*cap.*before the end of the log/);
    }
  });

  it('tells a full page (more follow) from the end of the log, neither of them a warning', () => {
    expect(searchStatus(result(20, 'limit'))).toEqual({ text: '20 shown, 5,000 scanned. Showing the first 20 matches: more follow. Raise the limit or start later to see them.', capped: false });
    expect(searchStatus(result(0, 'end')).text).toBe('0 shown, 5,000 scanned. Reached the end of the log.');
  });
});
