import { describe, expect, it } from 'vitest';
import { ManualClock } from '../src/index.js';

describe('ManualClock', () => {
  it('fires due timers in due order on advance, including timers they schedule, and skips cleared ones', () => {
    const clock = new ManualClock(100);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push(`b@${clock.now()}`), 20);
    clock.setTimeout(() => {
      fired.push(`a@${clock.now()}`);
      clock.setTimeout(() => fired.push(`a2@${clock.now()}`), 5);
    }, 10);
    const cleared = clock.setTimeout(() => fired.push('never'), 15);
    clock.clearTimeout(cleared);
    clock.setTimeout(() => fired.push('late'), 50);

    clock.advance(30);
    expect(fired).toEqual(['a@110', 'a2@115', 'b@120']);
    expect(clock.now()).toBe(130);
    expect(clock.pendingTimers()).toBe(1);
    clock.advance(20);
    expect(fired.at(-1)).toBe('late');
    expect(clock.pendingTimers()).toBe(0);
  });
});
