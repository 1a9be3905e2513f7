/**
 * Values by offset over a window that grows at its end and is dropped from its front: a dense array indexed by
 * offset - base rather than a Map, since a share partition's window holds a value for (nearly) every offset in
 * it. A get, set or drop is an array index, with no hashing and no per-entry allocation. Slots dropped from the
 * front are cleared at once and cut off the array now and then (amortized O(1) per offset).
 *
 * Slots with no value hold `empty` (undefined unless given): numeric slots given a number stay an array of unboxed
 * doubles in V8, which the garbage collector does not scan, rather than an array of boxed numbers. A get in the
 * span of the array returns `empty` where no value is set; outside it, undefined.
 */
export class OffsetSlots<T> {
  private slots: (T | undefined)[] = [];
  /** The offset of slots[0]. */
  private base = 0;
  /** Leading slots already cleared (offsets below base + cleared were dropped). */
  private cleared = 0;

  constructor(private readonly empty: T | undefined = undefined) {}

  get(offset: number): T | undefined {
    const i = offset - this.base;
    return i >= 0 ? this.slots[i] : undefined;
  }

  set(offset: number, value: T): void {
    if (this.slots.length === this.cleared) this.restart(offset);
    let i = offset - this.base;
    if (i < 0) {
      // Before the first slot (a window moved back, as a reset to the earliest offset does): rare, so a copy.
      this.slots = [...new Array<T | undefined>(-i).fill(this.empty), ...this.slots];
      this.base = offset;
      i = 0;
    }
    // Into the part already dropped (a set below the front): that slot holds a value again, so the next drop past
    // it must clear it too, not take it as cleared.
    if (i < this.cleared) this.cleared = i;
    // Filled one by one, so that the array never has a gap past its end (V8 would turn it into a dictionary).
    while (this.slots.length < i) this.slots.push(this.empty);
    this.slots[i] = value;
  }

  delete(offset: number): void {
    const i = offset - this.base;
    if (i >= 0 && i < this.slots.length) this.slots[i] = this.empty;
  }

  /** Drops every value below `offset`. */
  dropBefore(offset: number): void {
    const n = Math.min(offset - this.base, this.slots.length);
    if (n <= this.cleared) return;
    if (n === this.slots.length) {
      this.restart(offset);
      return;
    }
    for (let i = this.cleared; i < n; i++) this.slots[i] = this.empty;
    this.cleared = n;
    if (n >= 1024 && 2 * n >= this.slots.length) {
      this.slots = this.slots.slice(n);
      this.base += n;
      this.cleared = 0;
    }
  }

  /** Drops every value; the next offsets start at `offset`. */
  clear(offset: number): void {
    this.restart(offset);
  }

  private restart(offset: number): void {
    this.slots = [];
    this.base = offset;
    this.cleared = 0;
  }
}
