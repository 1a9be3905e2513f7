/** The first failure costs nothing (a typo); each further one from the same address waits twice as long. */
const FIRST_DELAY_MS = 250;
const MAX_DELAY_MS = 5_000;
/** An address quiet this long starts afresh. */
const FORGET_AFTER_MS = 5 * 60_000;
/** Beyond this many addresses, the quiet ones are forgotten first (a bounded map, whoever knocks). */
const MAX_ADDRESSES = 10_000;

/**
 * Slows down password guessing: failed authentications are counted per client address, and the answer to the
 * next failure from that address is held back, doubling each time up to MAX_DELAY_MS. A success clears the count.
 */
export class AuthThrottle {
  private readonly failures = new Map<string, { count: number; last: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Records a failure from `address` and returns how long to hold its answer back (ms). */
  failed(address: string): number {
    const t = this.now();
    const seen = this.failures.get(address);
    const count = seen && t - seen.last < FORGET_AFTER_MS ? seen.count + 1 : 1;
    this.failures.delete(address); // re-inserted last: the map stays in order of last failure
    this.failures.set(address, { count, last: t });
    if (this.failures.size > MAX_ADDRESSES) this.failures.delete(this.failures.keys().next().value!);
    return count === 1 ? 0 : Math.min(FIRST_DELAY_MS * 2 ** (count - 2), MAX_DELAY_MS);
  }

  succeeded(address: string): void {
    this.failures.delete(address);
  }
}
